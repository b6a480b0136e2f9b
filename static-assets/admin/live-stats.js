/**
 * Live figures from `GET /api/admin/stats`, as pure functions: the current shake rate,
 * envelopes issued so far, and what remains per shard in the phases still to be played.
 */

/** @typedef {import("../../src/wire/index").StatsReport} StatsReport */

/** @param {StatsReport} report */
export function showTotals(report) {
  /** @param {"shakeRate" | "shakesSeen" | "candidates" | "envelopesIssued" | "remainingCount"} key */
  const sum = (key) => report.phases.reduce((total, p) => total + p.totals[key], 0);
  return {
    shakeRate: sum("shakeRate"),
    shakesSeen: sum("shakesSeen"),
    candidates: sum("candidates"),
    issued: sum("envelopesIssued"),
    remainingCount: sum("remainingCount"),
  };
}

/**
 * Money still to be handed out per shard, over the live and upcoming phases (an ended
 * phase's leftovers move on when it closes).
 * @param {StatsReport} report
 */
export function remainingPerShard(report) {
  /** @type {Map<number, { cents: number, count: number }>} */
  const shards = new Map();
  for (const phase of report.phases) {
    if (phase.state !== "live" && phase.state !== "upcoming") continue;
    for (const s of phase.shards) {
      const row = shards.get(s.shard) ?? { cents: 0, count: 0 };
      shards.set(s.shard, { cents: row.cents + s.remainingCents, count: row.count + s.remainingCount });
    }
  }
  return [...shards].sort(([a], [b]) => a - b).map(([shard, row]) => ({ shard, ...row }));
}
