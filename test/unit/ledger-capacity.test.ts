import { describe, expect, it } from "vitest";
import { planLedger, REFERENCE_LEDGER } from "../../load/capacity/ledger";

describe("ledger capacity model", () => {
  it("sizes partitions by the larger of rate and size, each under the planned share", () => {
    const p = planLedger(REFERENCE_LEDGER);
    expect(p.partitionsForRate).toBe(Math.ceil(50_000 / (7_800 * 0.5)));
    expect(p.partitionsForSize).toBe(Math.ceil((100_000_000 * 300) / (10 * 1024 ** 3 * 0.5)));
    expect(p.partitions).toBe(16);
    expect(p.perPartitionRateShare).toBeLessThanOrEqual(0.5);
    expect(p.perPartitionSizeShare).toBeLessThanOrEqual(0.5);
  });

  it("grows with the size of the night even when the rate is small", () => {
    const p = planLedger({ ...REFERENCE_LEDGER, creditsPerSecond: 1_000, creditsPerNight: 1_000_000_000 });
    expect(p.partitionsForSize).toBeGreaterThan(p.partitionsForRate);
    expect(p.perPartitionSizeShare).toBeLessThanOrEqual(0.5);
  });

  it("batches claims per message so one queue carries the reference peak, open to wallet under 10 s", () => {
    const p = planLedger(REFERENCE_LEDGER);
    expect(p.claimsPerMessage).toBeCloseTo(50_000 / 128 / 4, 6);
    expect(p.messagesPerSecond).toBeCloseTo(128 * 4, 6);
    expect(p.queuesNeeded).toBe(1);
    expect(p.openToWalletSeconds).toBeLessThan(10);
  });

  it("needs more queues when shards flush one claim at a time", () => {
    const p = planLedger({ ...REFERENCE_LEDGER, shardFlushMs: 1 });
    expect(p.claimsPerMessage).toBe(1);
    expect(p.queuesNeeded).toBe(Math.ceil(50_000 / 2_500));
  });
});
