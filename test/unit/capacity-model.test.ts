import { describe, expect, it } from "vitest";
import { plan, REFERENCE_GALA, REGION_SPIKE, simulateSpike } from "../../load/capacity/model";

describe("capacity model", () => {
  it("sizes the reference gala", () => {
    const p = plan(REFERENCE_GALA);
    expect(p.candidateRate).toBeCloseTo(62_500 / 14_000_000, 8);
    expect(p.shardsNeeded).toBe(125);
    expect(p.shardCount).toBe(128);
    expect(p.perShardRequestsPerSecond).toBeLessThanOrEqual(REFERENCE_GALA.perObjectLimit * REFERENCE_GALA.shardUtilisation);
    expect(p.timelineReadsPerSecond).toBe(1_750);
    expect(p.queuesNeeded).toBe(10);
    expect(p.oneQueueDrainSeconds).toBe(540);
  });

  it("keeps shards under budget through a regional spike and recovers afterwards", () => {
    const shards = plan(REFERENCE_GALA).shardCount;
    const steps = simulateSpike(REFERENCE_GALA, REGION_SPIKE, shards);
    const budget = REFERENCE_GALA.perObjectLimit * REFERENCE_GALA.shardUtilisation;
    for (const step of steps) expect(step.perShardRequestsPerSecond).toBeLessThanOrEqual(budget + 1e-9);
    expect(Math.max(...steps.map((s) => s.regionLevel))).toBeGreaterThan(0);
    expect(steps.at(-1)).toMatchObject({ regionLevel: 0, rateScale: 1 });
  });
});
