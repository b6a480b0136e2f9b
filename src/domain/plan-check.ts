/**
 * Plans that count eligibility, checked before the show: with the audience the operator
 * expects (`Timeline.audience`), can each lottery phase's envelopes find viewers allowed to
 * take them? A person takes at most one envelope per sponsor and three per gala
 * (src/domain/limits.ts), so a sponsor's envelopes in a phase can go only to viewers who took
 * none of that sponsor's envelopes in earlier phases, and a phase's envelopes only to what is
 * left of three per viewer. Counted as if every earlier phase issued its whole plan: what the
 * show is built to do. A phase past those bounds cannot keep its plan however it is paced;
 * the rest rolls over (or back to the sponsor) at its end.
 */
import type { EpochMs, Phase, PoolRecord } from "../wire/index";
import { MAX_ENVELOPES_PER_USER, MAX_ENVELOPES_PER_USER_SPONSOR } from "./limits";

/** One place where a plan cannot hold: `envelopes` planned where only `takers` can take one. */
export interface PlanShortfall {
  phaseId: string;
  /** The sponsor whose envelopes outnumber the viewers who may still take one; null for the phase as a whole (3 per viewer). */
  sponsorId: string | null;
  envelopes: number;
  takers: number;
  /** Envelopes of the same scope (sponsor, or all) planned in earlier phases. */
  earlier: number;
}

/** The shortfalls of the running order's lottery phases that have not ended, in start order, for `audience` viewers. */
export function planShortfalls(phases: readonly Phase[], pools: readonly PoolRecord[], audience: number, now: EpochMs): PlanShortfall[] {
  const earlierBySponsor = new Map<string, number>();
  let earlierAll = 0;
  const out: PlanShortfall[] = [];
  for (const phase of [...phases].filter((p) => p.kind === "lottery").sort((a, b) => a.startsAt - b.startsAt)) {
    const bySponsor = new Map<string, number>();
    for (const pool of pools)
      if (pool.phaseId === phase.id) bySponsor.set(pool.sponsorId, (bySponsor.get(pool.sponsorId) ?? 0) + pool.count);
    const envelopes = [...bySponsor.values()].reduce((sum, n) => sum + n, 0);
    if (phase.endsAt > now) {
      for (const [sponsorId, count] of bySponsor) {
        const earlier = earlierBySponsor.get(sponsorId) ?? 0;
        const takers = Math.max(0, audience * MAX_ENVELOPES_PER_USER_SPONSOR - earlier);
        if (count > takers) out.push({ phaseId: phase.id, sponsorId, envelopes: count, takers, earlier });
      }
      const takers = Math.max(0, audience * MAX_ENVELOPES_PER_USER - earlierAll);
      if (envelopes > takers) out.push({ phaseId: phase.id, sponsorId: null, envelopes, takers, earlier: earlierAll });
    }
    for (const [sponsorId, count] of bySponsor) earlierBySponsor.set(sponsorId, (earlierBySponsor.get(sponsorId) ?? 0) + count);
    earlierAll += envelopes;
  }
  return out;
}

/** The operator's sentence for a shortfall. */
export function shortfallText(s: PlanShortfall, audience: number): string {
  const short = s.envelopes - s.takers;
  if (s.sponsorId === null) {
    return (
      `lottery phase "${s.phaseId}" plans ${s.envelopes} envelopes but the ${audience} expected viewers can take at most ${s.takers} more ` +
      `(${MAX_ENVELOPES_PER_USER} per person per gala, ${s.earlier} planned earlier): at least ${short} cannot be won in it`
    );
  }
  return (
    `lottery phase "${s.phaseId}" plans ${s.envelopes} envelopes of sponsor "${s.sponsorId}" but only ${s.takers} of the ${audience} expected viewers ` +
    `can still take one (${MAX_ENVELOPES_PER_USER_SPONSOR} per sponsor per person, ${s.earlier} planned earlier): at least ${short} cannot be won in it`
  );
}
