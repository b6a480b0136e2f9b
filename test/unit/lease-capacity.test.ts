import { describe, expect, it } from "vitest";
import { leaseShardPlan, leaseShardsNeeded } from "../../load/capacity/lease-shards";
import { LEASE_LEVERS, leasePlan, leaseShardCount, REFERENCE_LEASES } from "../../load/capacity/leases";
import { plan, REFERENCE_GALA } from "../../load/capacity/model";
import { LEASE_HORIZON_MS, MIN_LEASE, REPORT_BATCH } from "../../src/domain/lease-terms";
import { leaseReportMs } from "../../src/config";

const isolates = plan(REFERENCE_GALA).isolates;
const L = REFERENCE_LEASES;
const fits = (p: { perShardCallLoad: number; perShardRecordLoad: number }) =>
  p.perShardCallLoad <= REFERENCE_GALA.shardUtilisation && p.perShardRecordLoad <= REFERENCE_GALA.shardUtilisation;

describe("edge lease capacity model", () => {
  it("uses the edge's own lease terms", () => {
    expect(L).toMatchObject({ minLease: MIN_LEASE, horizonSeconds: LEASE_HORIZON_MS / 1_000, reportBatch: REPORT_BATCH });
    expect(L.reportWaitSeconds).toBeGreaterThanOrEqual(leaseReportMs({} as Env) / 1_000);
  });

  it("a busy pair leases whole blocks and reports full batches: k = 1 / ((1 + f) × (1 / B + 1 / R))", () => {
    const busy = { ...L, fallbacksPerExchange: 0.5 };
    const p = leasePlan({ ...REFERENCE_GALA, envelopesPerSecond: 5_000 }, busy, 1, 1);
    expect(p.leaseSize).toBe(L.blockSize);
    expect(p.claimsPerReport).toBe(L.reportBatch);
    expect(p.envelopesPerShardCall).toBeCloseTo(1 / (1.5 * (1 / L.blockSize + 1 / L.reportBatch)), 9);
    expect(p.shardCallsPerSecond * p.envelopesPerShardCall).toBeCloseTo(5_000, 6);
  });

  it("a quiet pair (under one envelope per lease time) leases on demand: about two calls per envelope, so leases do not help it", () => {
    const p = leasePlan(REFERENCE_GALA, L, isolates, 4_096);
    expect(p.perPairEnvelopesPerSecond).toBeCloseTo(REFERENCE_GALA.envelopesPerSecond / (isolates * 4_096), 12);
    expect(p.perPairEnvelopesPerSecond * L.leaseSeconds).toBeLessThan(1);
    expect(p.leaseSize).toBe(L.minLease);
    expect(p.leaseCallsPerPairPerSecond).toBeCloseTo(2 * p.perPairEnvelopesPerSecond, 12);
    expect(p.claimsPerReport).toBeCloseTo(1 + p.perPairEnvelopesPerSecond * L.reportWaitSeconds, 12);
    expect(p.envelopesPerShardCall).toBeLessThan(1);
  });

  it("a pair issuing more than one envelope per lease time calls once per lease time or per lease", () => {
    const p = leasePlan({ ...REFERENCE_GALA, envelopesPerSecond: (10 * isolates * 128) / L.leaseSeconds }, L, isolates, 128);
    expect(p.leaseCallsPerPairPerSecond).toBeCloseTo(1 / Math.min(L.leaseSeconds, p.leaseSize / p.perPairEnvelopesPerSecond), 12);
  });

  it("picks the fewest shards (a power of two) that keep both calls and records under the planned share", () => {
    const levers = LEASE_LEVERS.map(({ change }) => ({ ...L, ...change }));
    const fitting = levers.map((l) => [l, leaseShardCount(REFERENCE_GALA, l, isolates)] as const).filter(([, p]) => p !== null);
    expect(fitting.length).toBeGreaterThan(0);
    for (const [l, p] of fitting) {
      expect(fits(p!)).toBe(true);
      if (p!.shards > 1) expect(fits(leasePlan(REFERENCE_GALA, l, isolates, p!.shards / 2))).toBe(false);
    }
  });
});

describe("lease shard capacity model", () => {
  const shardInputs = { ...L, mergeFlushSeconds: 7.5, phaseEnvelopes: 12_500_000 };

  it("an isolate's calls do not grow with the shards; merges grow with shards x shards, once per flush", () => {
    const few = leaseShardPlan(REFERENCE_GALA, shardInputs, isolates, 16);
    const many = leaseShardPlan(REFERENCE_GALA, shardInputs, isolates, 128);
    expect(many.exchangeCallsPerSecond).toBeCloseTo(few.exchangeCallsPerSecond, 9);
    expect(many.envelopesLent).toBe(few.envelopesLent);
    expect(many.mergeCallsPerSecond).toBeCloseTo((128 * 127) / shardInputs.mergeFlushSeconds, 0);
    expect(leaseShardPlan(REFERENCE_GALA, shardInputs, isolates, 1).mergeCallsPerSecond).toBe(0);
  });

  it("every call counted: envelopes per shard call x calls = envelopes", () => {
    const p = leaseShardPlan(REFERENCE_GALA, shardInputs, isolates, 64);
    expect(p.envelopesPerShardCall * (p.exchangeCallsPerSecond + p.mergeCallsPerSecond)).toBeCloseTo(REFERENCE_GALA.envelopesPerSecond, 6);
    expect(p.lentShareOfPhase).toBeCloseTo((isolates * p.leaseSize) / shardInputs.phaseEnvelopes, 12);
  });

  it("picks the fewest shards that keep calls and records under the planned share", () => {
    const p = leaseShardsNeeded(REFERENCE_GALA, shardInputs, isolates)!;
    expect(p.perShardCallLoad).toBeLessThanOrEqual(REFERENCE_GALA.shardUtilisation);
    expect(p.perShardRecordLoad).toBeLessThanOrEqual(REFERENCE_GALA.shardUtilisation);
    const half = leaseShardPlan(REFERENCE_GALA, shardInputs, isolates, p.shards / 2);
    expect(half.perShardCallLoad > REFERENCE_GALA.shardUtilisation || half.perShardRecordLoad > REFERENCE_GALA.shardUtilisation).toBe(true);
  });
});
