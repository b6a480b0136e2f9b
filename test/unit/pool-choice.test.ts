import { describe, expect, it } from "vitest";
import { weightedIndex } from "../../src/domain/pool-choice";

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
