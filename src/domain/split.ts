/**
 * Double-mean split in integer cents. For a remaining amount R over n remaining shares the
 * next share is drawn uniformly from [1, floor(2R/n) - 1], narrowed so that every later
 * share can still get at least `min` (and, for pre-split pools, at most `max`) cents.
 * The last share takes the remainder, so the shares always sum exactly to the amount.
 */

export interface SplitBounds {
  minCents: number;
  maxCents: number | null;
}

/** A uniform integer in [lo, hi]; `random` returns a float in [0, 1). */
export type RandomInt = (lo: number, hi: number) => number;

export const mathRandomInt: RandomInt = (lo, hi) => lo + Math.floor(Math.random() * (hi - lo + 1));

/** Why `amount` cannot be split into `count` shares within `bounds`, or null when it can. */
export function splitProblem(amount: number, count: number, bounds: SplitBounds): string | null {
  if (!Number.isSafeInteger(amount) || amount < 1) return "amount must be a positive integer number of cents";
  if (!Number.isSafeInteger(count) || count < 1) return "count must be a positive integer";
  if (!Number.isSafeInteger(bounds.minCents) || bounds.minCents < 1) return "minimum share must be at least 1 cent";
  if (bounds.maxCents !== null) {
    if (!Number.isSafeInteger(bounds.maxCents) || bounds.maxCents < bounds.minCents) {
      return "maximum share must be an integer no smaller than the minimum";
    }
    if (amount > count * bounds.maxCents) return `amount exceeds count x maximum (${count * bounds.maxCents} cents)`;
  }
  if (amount < count * bounds.minCents) return `amount is below count x minimum (${count * bounds.minCents} cents)`;
  return null;
}

/** The next share of `remaining` cents when `left` shares (including this one) remain. */
export function nextShare(remaining: number, left: number, bounds: SplitBounds, randomInt: RandomInt): number {
  if (left === 1) return remaining;
  const { minCents, maxCents } = bounds;
  const othersMax = maxCents === null ? Infinity : maxCents * (left - 1);
  const lower = Math.max(minCents, remaining - othersMax);
  const doubleMean = Math.max(lower, Math.floor((2 * remaining) / left) - 1);
  const upper = Math.min(maxCents ?? Infinity, remaining - minCents * (left - 1), doubleMean);
  return randomInt(lower, upper);
}

/** Splits `amount` cents into `count` shares. Throws when `splitProblem` reports one. */
export function splitAmount(
  amount: number,
  count: number,
  bounds: SplitBounds = { minCents: 1, maxCents: null },
  randomInt: RandomInt = mathRandomInt,
): number[] {
  const problem = splitProblem(amount, count, bounds);
  if (problem) throw new RangeError(problem);
  const shares = new Array<number>(count);
  let remaining = amount;
  for (let i = 0; i < count; i++) {
    const share = nextShare(remaining, count - i, bounds, randomInt);
    shares[i] = share;
    remaining -= share;
  }
  return shares;
}
