import { describe, expect, it } from "vitest";
import { issuanceAllowance, poolHeadroom } from "../../src/domain/pacing";
import { EligibilityTally, planWeights, TALLY_WINDOW, weightedIndex, type PoolOffer } from "../../src/domain/pool-choice";
import { seededRandomInt, shuffled } from "../../src/domain/random";

describe("pool choice by remaining stock", () => {
  it("draws each index with odds proportional to its weight", () => {
    const weights = [1000, 100, 0, 400];
    const counts = [0, 0, 0, 0];
    const steps = 15_000;
    for (let k = 0; k < steps; k++) counts[weightedIndex(weights, (k + 0.5) / steps)]++;
    expect(counts).toEqual([10_000, 1_000, 0, 4_000]);
  });

  it("never picks an empty pool, at either end of the unit interval", () => {
    expect(weightedIndex([0, 5, 0], 0)).toBe(1);
    expect(weightedIndex([0, 5, 0], 0.999999)).toBe(1);
    expect(weightedIndex([3, 0], 1 - Number.EPSILON)).toBe(0);
  });
});

describe("eligibility tally", () => {
  it("is 1 for every sponsor before any candidate, and never 0", () => {
    const tally = new EligibilityTally();
    expect(tally.share("a")).toBe(1);
    for (let i = 0; i < 99; i++) tally.record(["a"]);
    expect(tally.share("a")).toBeCloseTo(1 / 100);
    expect(tally.share("b")).toBe(1);
  });

  it("counts the candidates who may not take a sponsor, once each", () => {
    const tally = new EligibilityTally();
    for (let i = 0; i < 30; i++) tally.record(["a", "b"]);
    for (let i = 0; i < 69; i++) tally.record([]);
    expect(tally.share("a")).toBeCloseTo(70 / 100);
    expect(tally.share("b")).toBeCloseTo(70 / 100);
  });

  it("follows holdings as they change: old counts halve every window", () => {
    const tally = new EligibilityTally();
    for (let i = 0; i < TALLY_WINDOW; i++) tally.record(["a"]);
    for (let i = 0; i < 4 * TALLY_WINDOW; i++) tally.record([]);
    expect(tally.share("a")).toBeGreaterThan(0.95);
  });
});

describe("plan weights", () => {
  const pools: PoolOffer[] = [
    { sponsorId: "a", remaining: 400, headroom: 20 },
    { sponsorId: "b", remaining: 400, headroom: 20 },
    { sponsorId: "c", remaining: 400, headroom: null },
  ];

  it("weigh each pool by its remaining plan (headroom when paced, stock when not) over its eligible share", () => {
    expect(planWeights(pools, () => 1)).toEqual([20, 20, 400]);
    expect(planWeights(pools, (s) => (s === "a" ? 0.25 : 1))).toEqual([80, 20, 400]);
  });
});

/**
 * One shard's phase of two pools of 400 envelopes, in ten steps of its clock; each step brings
 * 48 candidates who hold nothing and 36 who already hold sponsor `a` (so only 48 of 84 may take
 * `a`, enough for its plan of 40 a step if they are not handed to `b`). Returns how far `a`
 * fell behind its plan at worst and what it issued over the phase.
 */
function phaseOfTwoPools(choose: "plan" | "stock", seed: string): { worstLag: number; issuedA: number } {
  const next = seededRandomInt(seed);
  const random = () => next(0, 1_000_000 - 1) / 1_000_000;
  const window = { startsAt: 0, endsAt: 1000 };
  const pools = ["a", "b"].map((sponsorId) => ({ sponsorId, remaining: 400, issued: 0 }));
  const tally = new EligibilityTally();
  let worstLag = 0;
  for (let step = 1; step <= 10; step++) {
    const now = step * 100 - 1;
    for (const held of shuffled([...Array<string[]>(48).fill([]), ...Array<string[]>(36).fill(["a"])], random)) {
      tally.record(held);
      const open = pools
        .filter((p) => !held.includes(p.sponsorId))
        .map((p) => ({ pool: p, headroom: poolHeadroom(p.issued, p.remaining, window, now) }))
        .filter((o) => o.headroom > 0);
      if (open.length === 0) continue;
      const weights =
        choose === "plan"
          ? planWeights(
              open.map((o) => ({ sponsorId: o.pool.sponsorId, remaining: o.pool.remaining, headroom: o.headroom })),
              (s) => tally.share(s),
            )
          : open.map((o) => o.pool.remaining);
      const { pool } = open[weightedIndex(weights, random())];
      pool.remaining--;
      pool.issued++;
    }
    worstLag = Math.max(worstLag, issuanceAllowance(400, window, now) - 20 - pools[0].issued);
  }
  return { worstLag, issuedA: pools[0].issued };
}

describe("a pool whose sponsor many candidates already hold", () => {
  const seeds = Array.from({ length: 20 }, (_, i) => `phase-${i}`);

  it("keeps its plan when weighed by remaining plan over eligible share", () => {
    for (const seed of seeds) {
      const { worstLag, issuedA } = phaseOfTwoPools("plan", seed);
      expect(worstLag, seed).toBeLessThanOrEqual(25);
      expect(issuedA, seed).toBeGreaterThanOrEqual(385);
    }
  });

  it("falls behind when weighed by stock alone (the rule before eligibility counted)", () => {
    for (const seed of seeds) {
      const { worstLag, issuedA } = phaseOfTwoPools("stock", seed);
      expect(worstLag, seed).toBeGreaterThan(35);
      expect(issuedA, seed).toBeLessThan(375);
    }
  });
});
