/**
 * Which pool a winner's envelope comes from. Choosing uniformly among a phase's pools drains
 * a small pool long before a large one (a dress rehearsal found a 200-envelope pool empty at
 * 67 % of its phase beside a larger one); choosing with odds proportional to each pool's
 * remaining plan keeps every pool draining at the pace of the whole phase.
 *
 * Eligibility counts too: a viewer holding a sponsor's envelope may not take another of that
 * sponsor (src/domain/limits.ts), so a pool whose sponsor many viewers already hold can only be
 * taken by the few who do not. Weighing each pool by its remaining plan alone hands those few
 * to the other pools as often as to it, and it falls behind its plan while the others are fed
 * by everyone. A pool's weight is therefore its remaining plan divided by the share of
 * candidates eligible for it (`EligibilityTally`): the pool only a few may take is offered to
 * each of them more often, and the pools anyone may take are fed by the rest.
 */
import { mayTake } from "./limits";

/** A pool as the choice sees it: what it still has and what it may still issue now. */
export interface PoolOffer {
  sponsorId: string;
  /** Envelopes in stock. */
  remaining: number;
  /** Envelopes it may still issue now under issuance pacing (src/domain/pacing.ts), or null when unpaced. */
  headroom: number | null;
}

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

/**
 * Each pool's weight in a candidate's draw: its remaining plan (the headroom when paced, else
 * its stock) over the share of candidates eligible for its sponsor.
 */
export function planWeights(pools: readonly PoolOffer[], eligibleShare: (sponsorId: string) => number): number[] {
  return pools.map((pool) => (pool.headroom ?? pool.remaining) / eligibleShare(pool.sponsorId));
}

/** Candidates counted before the tally halves its counts, so it follows holdings as they change over a phase. */
export const TALLY_WINDOW = 512;

/**
 * The share of a phase's recent candidates eligible for each sponsor, from the sponsors each
 * candidate held when it reached the pool choice. Counts halve every TALLY_WINDOW candidates;
 * with one imagined eligible candidate added, a share is never 0 and is 1 before any count.
 */
export class EligibilityTally {
  #seen = 0;
  #ineligible = new Map<string, number>();

  /** One candidate that may take an envelope, holding `sponsorsHeld`. */
  record(sponsorsHeld: readonly string[]): void {
    if (this.#seen >= TALLY_WINDOW) {
      this.#seen /= 2;
      for (const [sponsorId, n] of this.#ineligible) this.#ineligible.set(sponsorId, n / 2);
    }
    this.#seen++;
    for (const sponsorId of new Set(sponsorsHeld)) {
      if (!mayTake(sponsorsHeld, sponsorId)) this.#ineligible.set(sponsorId, (this.#ineligible.get(sponsorId) ?? 0) + 1);
    }
  }

  /** Share in (0, 1] of recent candidates who may take an envelope of `sponsorId`. */
  share(sponsorId: string): number {
    return (this.#seen - (this.#ineligible.get(sponsorId) ?? 0) + 1) / (this.#seen + 1);
  }
}
