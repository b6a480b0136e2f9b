/**
 * Which pool a winner's envelope comes from. Choosing uniformly among a phase's pools drains
 * a small pool long before a large one (a dress rehearsal found a 200-envelope pool empty at
 * 67 % of its phase beside a larger one); choosing with odds proportional to each pool's
 * remaining envelopes keeps every pool draining at the pace of the whole phase, so pacing
 * per phase is pacing per pool.
 */

/** The index drawn with odds proportional to `weights` (all ≥ 0, at least one > 0) for `u` in [0, 1). */
export function weightedIndex(weights: readonly number[], u: number): number {
  const total = weights.reduce((sum, w) => sum + w, 0);
  let point = u * total;
  for (let i = 0; i < weights.length; i++) {
    if (point < weights[i]) return i;
    point -= weights[i];
  }
  return weights.findLastIndex((w) => w > 0);
}
