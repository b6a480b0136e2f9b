import { describe, expect, it } from "vitest";
import { poolPaces } from "../../src/domain/pool-pace";

const window = { startsAt: 0, endsAt: 1000 };
const part = (poolId: string, issued: number, inStock: number) => ({ poolId, sponsorId: poolId.slice(0, 1), issued, inStock });

describe("pools against their plan", () => {
  it("adds each pool over the shards and compares it with its plan at the elapsed share of the phase", () => {
    const paces = poolPaces(window, [[part("a1", 30, 70), part("b1", 5, 95)], [part("a1", 30, 70)]], true, 250);
    expect(paces).toEqual([
      // 200 envelopes, a quarter of the phase: 50 planned; each shard's allowance is ceil(100 × 0.30) = 30, reached on both.
      { poolId: "a1", sponsorId: "a", envelopes: 200, issued: 60, planned: 50, aheadOfPlan: 10, pacedShards: 2 },
      { poolId: "b1", sponsorId: "b", envelopes: 100, issued: 5, planned: 25, aheadOfPlan: -20, pacedShards: 0 },
    ]);
  });

  it("holds nothing back with pacing off, nor where the stock is gone", () => {
    expect(poolPaces(window, [[part("a1", 30, 70)]], false, 250)[0].pacedShards).toBe(0);
    expect(poolPaces(window, [[part("a1", 100, 0)]], true, 250)[0]).toMatchObject({ pacedShards: 0, aheadOfPlan: 75 });
  });

  it("plans nothing before the phase and everything after it", () => {
    expect(poolPaces(window, [[part("a1", 0, 100)]], true, -5)[0].planned).toBe(0);
    expect(poolPaces(window, [[part("a1", 90, 10)]], true, 5000)[0]).toMatchObject({ planned: 100, aheadOfPlan: -10 });
  });
});
