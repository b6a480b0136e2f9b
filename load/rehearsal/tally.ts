/**
 * What the viewers saw in one second, counted in the viewer process and sent to the
 * rehearsal each second: answer kinds, throttle levels, opens and their time to the wallet,
 * group envelopes shared and grabbed.
 */

export interface FleetSecond {
  /** Local epoch ms at the end of the second. */
  at: number;
  /** Shake answers by kind (`rest`, `greeting`, `envelope`, `busy`), or `http-<status>` (0 = network). */
  kinds: Record<string, number>;
  /** Requests sent this second, by route (`shake`, `wallet`, `open`, `grab`, …). */
  requests: Record<string, number>;
  /** Round trip of each shake answered this second (ms), queueing in the viewer process included. */
  shakeMs: number[];
  /** Shake answers per throttle level (index = level). */
  levels: number[];
  opens: number;
  /** Settlement latencies (ms, server clock: ledger row written − opened) of the envelopes seen settled this second. */
  settleMs: number[];
  /** The same envelopes as the viewer saw them: open answered → wallet showing them settled (ms). */
  openToWalletMs: number[];
  /** Opened envelopes not seen settled in the wallet within the watch window. */
  unsettled: number;
  groupsShared: number;
  /** Grabs by answer (`grabbed`, `already`, `empty`, `expired`) or `http-<status>`. */
  grabs: Record<string, number>;
  /** Viewers holding a session. */
  viewers: number;
}

export function emptySecond(): FleetSecond {
  return {
    at: 0,
    kinds: {},
    requests: {},
    shakeMs: [],
    levels: [0, 0, 0, 0, 0],
    opens: 0,
    settleMs: [],
    openToWalletMs: [],
    unsettled: 0,
    groupsShared: 0,
    grabs: {},
    viewers: 0,
  };
}

export function bump(counts: Record<string, number>, key: string, by = 1): void {
  counts[key] = (counts[key] ?? 0) + by;
}
