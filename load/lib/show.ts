/**
 * A load run's own show, written through the admin API when SHOW=write: a greeting phase
 * while traffic ramps up, a lottery across the profile's busiest stretch (pools loaded for
 * it; with `leases`, its second half is a second lottery whose envelopes are handed out
 * from edge leases), then rest. Without SHOW=write the target's existing timeline is used
 * as it is.
 */
import type { Phase, Sponsor, Timeline } from "../../src/wire/index.ts";
import { fail, sleep } from "k6";
import { createPool, publicTimelineVersion, readTimeline, writeTimeline } from "./api.ts";

export const LOAD_SPONSORS: Sponsor[] = [
  { id: "k6-aurora", name: "Aurora (load)", assetId: "sponsor-aurora" },
  { id: "k6-jade", name: "Jade (load)", assetId: "sponsor-jade" },
  { id: "k6-lantern", name: "Lantern (load)", assetId: "sponsor-lantern" },
];

export function phase(
  id: string,
  kind: Phase["kind"],
  startsAt: number,
  endsAt: number,
  candidateRate = 0,
  issuance: NonNullable<Phase["issuance"]> = "shard",
): Phase {
  return {
    id,
    title: id,
    kind,
    startsAt,
    endsAt,
    sponsorIds: kind === "lottery" ? LOAD_SPONSORS.map((s) => s.id) : [],
    greetingAssetId: `greeting-${kind}`,
    candidateRate,
    ...(issuance === "edge-leases" ? { issuance } : {}),
  };
}

/** Replaces the timeline (retrying on a concurrent write) and returns the stored copy. */
export function putShow(phases: Phase[], galaId: string): Timeline {
  for (let attempt = 0; attempt < 5; attempt++) {
    const current = readTimeline();
    const written = writeTimeline({ galaId, sponsors: LOAD_SPONSORS, phases }, current?.version ?? 0);
    if (written) return written;
  }
  throw new Error("timeline kept changing under the load run");
}

/** Loads one pool per sponsor for a lottery phase. */
export function stockPhase(phaseId: string, envelopesPerSponsor: number, averageCents = 88): void {
  for (const sponsor of LOAD_SPONSORS) {
    createPool({ phaseId, sponsorId: sponsor.id, budgetCents: envelopesPerSponsor * averageCents, count: envelopesPerSponsor });
  }
}

/**
 * Greeting for the first fifth of the run, lottery for the next three fifths (with `leases`:
 * shard claims for the first half of it, edge leases for the second), then rest. Each run is
 * its own gala with its own phase ids: a gala may not reuse an earlier one's. Loading large
 * pools takes a while, so the show is first written an hour ahead, stocked, and then moved
 * to start now (its phases keep their ids and pools); setup waits until the edge shows the
 * moved show, so no shake of the run is answered from the hour-ahead one.
 */
export function writeRunShow(
  runMs: number,
  candidateRate: number,
  envelopesPerSponsor: number,
  options: { leases?: boolean } = {},
): Timeline {
  const run = Date.now().toString(36);
  const galaId = `k6-gala-${run}`;
  const show = (now: number): Phase[] => {
    const rampEnd = now + runMs / 5;
    const lotteryEnd = now + (4 * runMs) / 5;
    const lotteries = options.leases
      ? [
          phase(`k6-lottery-${run}`, "lottery", rampEnd, (rampEnd + lotteryEnd) / 2, candidateRate),
          phase(`k6-leased-lottery-${run}`, "lottery", (rampEnd + lotteryEnd) / 2, lotteryEnd, candidateRate, "edge-leases"),
        ]
      : [phase(`k6-lottery-${run}`, "lottery", rampEnd, lotteryEnd, candidateRate)];
    return [phase(`k6-warmup-greetings-${run}`, "greeting", now - 1_000, rampEnd), ...lotteries];
  };
  const ahead = putShow(show(Date.now() + 3_600_000), galaId);
  const lotteries = ahead.phases.filter((p) => p.kind === "lottery");
  for (const lottery of lotteries) stockPhase(lottery.id, Math.ceil(envelopesPerSponsor / lotteries.length));
  const moved = putShow(show(Date.now()), galaId);
  for (let waited = 0; (publicTimelineVersion() ?? 0) < moved.version; waited += 200) {
    if (waited > 30_000) fail(`the edge did not show timeline version ${moved.version} within 30 s`);
    sleep(0.2);
  }
  return moved;
}
