import { describe, expect, it } from "vitest";
import { leasePlan, leaseShardCount, REFERENCE_LEASES } from "../../load/capacity/leases";
import { plan, REFERENCE_GALA } from "../../load/capacity/model";

const isolates = plan(REFERENCE_GALA).isolates;
const busy = { ...REFERENCE_LEASES, leaseSeconds: 1e9 };

describe("edge lease capacity model", () => {
  it("a busy pair issues a whole block per exchange, its fallback claims counted as calls and envelopes", () => {
    const f = REFERENCE_LEASES.busyFallbacksPerExchange;
    const p = leasePlan(REFERENCE_GALA, busy, isolates, 128);
    expect(p.envelopesPerLease).toBe(REFERENCE_LEASES.blockSize);
    expect(p.envelopesPerShardCall).toBeCloseTo((REFERENCE_LEASES.blockSize + f) / (1 + f), 9);
    expect(p.shardCallsPerSecond * p.envelopesPerShardCall).toBeCloseTo(REFERENCE_GALA.envelopesPerSecond, 6);
    expect(p.perShardCallsPerSecond).toBeCloseTo(p.shardCallsPerSecond / 128, 9);
  });

  it("a quiet pair's lease ends by time: fewer envelopes per call, and more shards do not lower the calls per shard much", () => {
    const at128 = leasePlan(REFERENCE_GALA, REFERENCE_LEASES, isolates, 128);
    const at32 = leasePlan(REFERENCE_GALA, REFERENCE_LEASES, isolates, 32);
    expect(at128.perPairEnvelopesPerSecond).toBeCloseTo(REFERENCE_GALA.envelopesPerSecond / (isolates * 128), 12);
    expect(at128.envelopesPerLease).toBeCloseTo(at128.perPairEnvelopesPerSecond * REFERENCE_LEASES.leaseSeconds, 9);
    expect(at128.envelopesPerLease).toBeLessThan(REFERENCE_LEASES.blockSize);
    expect(at128.envelopesPerShardCall).toBeLessThan(at32.envelopesPerShardCall);
    expect(at32.perShardCallsPerSecond / at128.perShardCallsPerSecond).toBeLessThan(1.5);
    expect(at128.pairsLeasing).toBeLessThan(isolates * 128);
  });

  it("picks the fewest shards (a power of two) that keep both calls and records under the planned share", () => {
    const p = leaseShardCount(REFERENCE_GALA, REFERENCE_LEASES, isolates);
    expect(p).not.toBeNull();
    const fits = (shards: number) => {
      const q = leasePlan(REFERENCE_GALA, REFERENCE_LEASES, isolates, shards);
      return q.perShardCallLoad <= REFERENCE_GALA.shardUtilisation && q.perShardRecordLoad <= REFERENCE_GALA.shardUtilisation;
    };
    expect(fits(p!.shards)).toBe(true);
    expect(fits(p!.shards / 2)).toBe(false);
  });

  it("finds no shard count when the calls alone exceed the limit", () => {
    expect(leaseShardCount({ ...REFERENCE_GALA, perObjectLimit: 1 }, REFERENCE_LEASES, isolates)).toBeNull();
  });
});
