/**
 * Candidate pacing, two halves:
 * - issuance: each pool on a shard may have issued (claimed, or lent to edge isolates) at
 *   most its envelopes times the elapsed share of the phase (plus a small head start), so
 *   every pool drains over its phase instead of in its first second, whichever way its
 *   envelopes leave;
 * - request rate: the edge scales its candidate draw so the rate reaching a shard settles
 *   at a target below the configured ceiling, whatever the shake rate.
 */
import type { EpochMs, PhaseWindow as ArmedWindow } from "../wire/index";

export type PhaseWindow = Pick<ArmedWindow, "startsAt" | "endsAt">;

/** Share of a phase's envelopes a shard may hand out ahead of the clock. */
export const HEAD_START = 0.05;

/** How many of `loadedCount` envelopes a shard may have issued by `now`. */
export function issuanceAllowance(loadedCount: number, window: PhaseWindow, now: EpochMs): number {
  const duration = window.endsAt - window.startsAt;
  if (duration <= 0) return loadedCount;
  const elapsed = Math.min(Math.max((now - window.startsAt) / duration, 0), 1);
  return Math.min(loadedCount, Math.ceil(loadedCount * (elapsed + HEAD_START)));
}

/**
 * How many more envelopes a pool may issue or lend on one shard by `now`: its allowance over
 * all its envelopes there (issued, lent and in stock) less those already issued or lent.
 */
export function poolHeadroom(issuedOrLent: number, inStock: number, window: PhaseWindow, now: EpochMs): number {
  return Math.max(0, issuanceAllowance(issuedOrLent + inStock, window, now) - issuedOrLent);
}

/** The rate the edge steers each shard towards, as a share of its ceiling. */
export const TARGET_SHARE = 0.8;
export const MIN_SCALE = 0.01;

/**
 * Next candidate-rate scale for a shard. The shard reported `observedPerSec` while the edge
 * drew with `previous`, so the unscaled demand is observed / previous; the new scale brings
 * that demand to the target. Call at most once per measurement window, or the same
 * observation is applied twice.
 */
export function nextCandidateScale(previous: number, observedPerSec: number, ceilingPerSec: number): number {
  if (observedPerSec <= 0) return 1;
  const target = ceilingPerSec * TARGET_SHARE;
  const scale = (previous * target) / observedPerSec;
  return Math.min(1, Math.max(MIN_SCALE, scale));
}
