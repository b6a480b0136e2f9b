import { describe, expect, it } from "vitest";
import { decideGrab, groupProblem, MAX_GROUP_CENTS, MAX_GROUP_COUNT, type GrabState } from "../../src/domain/group-envelope";
import { seededRandomInt } from "../../src/domain/random";
import type { RandomInt } from "../../src/domain/split";

/** Grabs a whole envelope, one distinct user after another, checking each share as it comes. */
function grabAll(amount: number, count: number, randomInt: RandomInt): number[] {
  const state: GrabState = { amountCents: amount, count, grabbedCents: 0, grabbedCount: 0, expiresAt: Infinity };
  const shares: number[] = [];
  for (let i = 0; i < count; i++) {
    const remaining = amount - state.grabbedCents;
    const left = count - i;
    const outcome = decideGrab(state, null, `r${i}`, 0, randomInt);
    if (outcome.status !== "grabbed") throw new Error(`grab ${i} of ${count}: ${outcome.status}`);
    const share = outcome.amountCents;
    const bound = left === 1 ? remaining : Math.max(1, Math.floor((2 * remaining) / left) - 1);
    const ok = Number.isInteger(share) && share >= 1 && share <= bound && (left > 1 || share === remaining);
    if (!ok) throw new Error(`${amount}/${count}: share ${share} of ${remaining} over ${left} breaks the bound ${bound}`);
    shares.push(share);
    state.grabbedCents += share;
    state.grabbedCount += 1;
  }
  expect(decideGrab(state, null, "late", 0, randomInt)).toEqual({ status: "empty" });
  return shares;
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("group envelope shares (double mean at grab time)", () => {
  it("sum exactly to the amount, each >= 1 cent and <= the double-mean bound, for many random envelopes", () => {
    const pick = seededRandomInt("group-property");
    for (let trial = 0; trial < 2000; trial++) {
      const count = pick(1, MAX_GROUP_COUNT);
      const amount = pick(count, trial % 4 === 0 ? count + 3 : Math.min(MAX_GROUP_CENTS, count * 5000));
      const shares = grabAll(amount, count, seededRandomInt(`trial-${trial}`));
      if (shares.length !== count || sum(shares) !== amount) throw new Error(`${amount}/${count}: shares sum to ${sum(shares)}`);
    }
  });

  it("hold the bounds even when every draw is extreme", () => {
    const highest: RandomInt = (_lo, hi) => hi;
    const lowest: RandomInt = (lo) => lo;
    for (const [amount, count] of [
      [888, 5],
      [50, 50],
      [51, 50],
      [2_000_000, 200],
      [7, 3],
      [1, 1],
    ]) {
      expect(sum(grabAll(amount, count, highest))).toBe(amount);
      expect(sum(grabAll(amount, count, lowest))).toBe(amount);
    }
  });
});

describe("grab answers", () => {
  const open: GrabState = { amountCents: 888, count: 5, grabbedCents: 0, grabbedCount: 0, expiresAt: 1000 };
  const draw: RandomInt = (lo) => lo;

  it("replays the grabbing request and answers 'already' to any other request of that user", () => {
    const previous = { requestId: "r1", amountCents: 120 };
    expect(decideGrab(open, previous, "r1", 0, draw)).toEqual({ status: "grabbed", amountCents: 120 });
    expect(decideGrab(open, previous, "r2", 0, draw)).toEqual({ status: "already", amountCents: 120 });
    expect(decideGrab(open, previous, "r1", 5000, draw)).toEqual({ status: "grabbed", amountCents: 120 });
  });

  it("answers 'expired' from the expiry instant and 'empty' once every share is gone", () => {
    expect(decideGrab(open, null, "r", 1000, draw)).toEqual({ status: "expired" });
    expect(decideGrab({ ...open, grabbedCents: 888, grabbedCount: 5 }, null, "r", 0, draw)).toEqual({ status: "empty" });
  });

  it("validates amount and count", () => {
    expect(groupProblem(888, 5)).toBeNull();
    expect(groupProblem(4, 5)).toMatch(/below/);
    expect(groupProblem(100, 0)).toMatch(/count/);
    expect(groupProblem(1000, MAX_GROUP_COUNT + 1)).toMatch(/at most/);
    expect(groupProblem(MAX_GROUP_CENTS + 1, 5)).toMatch(/at most/);
    expect(groupProblem(10.5, 2)).toMatch(/integer/);
  });
});
