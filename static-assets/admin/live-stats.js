/**
 * Live figures from `GET /api/admin/stats`, as pure functions: the current shake rate,
 * envelopes issued so far, what remains per shard in the phases still to be played, and each
 * live pool against its plan.
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

/**
 * The pools of the live phases against their plan, one row each: issued of its envelopes, what
 * the plan has issued by now, how far ahead or behind, and whether shards are holding it back
 * (issuance pacing: stock left, allowance reached).
 * @param {StatsReport} report
 * @returns {{ phase: string, sponsor: string, issued: string, planned: string, versusPlan: string, pacing: string, paced: boolean }[]}
 */
export function poolPaceRows(report) {
  return report.phases
    .filter((phase) => phase.state === "live")
    .flatMap((phase) =>
      phase.pools.map((pool) => {
        const paced = report.issuancePacing && pool.pacedShards > 0;
        const gap = Math.abs(pool.aheadOfPlan);
        return {
          phase: phase.title,
          sponsor: pool.sponsorId,
          issued: `${pool.issued} of ${pool.envelopes}`,
          planned: String(pool.planned),
          versusPlan: pool.aheadOfPlan === 0 ? "on plan" : `${gap} ${pool.aheadOfPlan > 0 ? "ahead" : "behind"}`,
          pacing: !report.issuancePacing
            ? "pacing off"
            : paced
              ? `paced: held back on ${pool.pacedShards} shard${pool.pacedShards === 1 ? "" : "s"}`
              : "not held back",
          paced,
        };
      }),
    );
}
