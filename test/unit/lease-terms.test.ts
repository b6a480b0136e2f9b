/** The pure rules of edge leases (src/domain/lease-terms.ts) and their audit (src/domain/lease-audit.ts). */
import { describe, expect, it } from "vitest";
import {
  eligibleIndex,
  LEASE_HORIZON_MS,
  issueRate,
  leaseShardsOf,
  nextAsk,
  leaseSize,
  DRY_RETRY_MS,
  MIN_LEASE,
  REPORT_BATCH,
  shouldCall as shouldCallAfter,
  type SlotState,
} from "../../src/domain/lease-terms";
import { leaseProblems, leasesAudit } from "../../src/domain/lease-audit";
import type { ShardFigures } from "../../src/wire/rpc";

const REPORT_AFTER_MS = 20_000;
const shouldCall = (s: SlotState, now: number) => shouldCallAfter(s, now, REPORT_AFTER_MS);

const slot = (over: Partial<SlotState> = {}): SlotState => ({
  left: 40,
  want: 64,
  unreported: 0,
  oldestUnreportedAt: 0,
  unused: 0,
  live: true,
  demand: true,
  dry: false,
  calling: false,
  ...over,
});

describe("lease terms", () => {
  it("gives a viewer the first envelope their holdings allow: 3 per gala, 1 per sponsor", () => {
    const lease = [{ sponsorId: "a" }, { sponsorId: "b" }, { sponsorId: "c" }];
    expect(eligibleIndex(lease, [])).toBe(0);
    expect(eligibleIndex(lease, ["a"])).toBe(1);
    expect(eligibleIndex(lease, ["a", "b"])).toBe(2);
    expect(eligibleIndex(lease, ["a", "b", "c"])).toBe(-1);
    expect(eligibleIndex([{ sponsorId: "a" }], ["a"])).toBe(-1);
  });

  it("sizes a lease for LEASE_HORIZON_MS of the recent rate, within its bounds", () => {
    expect(leaseSize(0, 64)).toBe(MIN_LEASE);
    expect(leaseSize(10, 64)).toBe((10 * LEASE_HORIZON_MS) / 1_000);
    expect(leaseSize(1_000, 64)).toBe(64);
    expect(leaseSize(1_000, 4)).toBe(4);
  });

  it("measures no rate over no time: a slot's first ask is the smallest lease", () => {
    expect(leaseSize(issueRate(1, 0), 256)).toBe(MIN_LEASE);
    expect(issueRate(8, 400)).toBe(20);
    expect(leaseSize(issueRate(8, 400), 256)).toBe((20 * LEASE_HORIZON_MS) / 1_000);
  });

  it("calls the shard when the lease runs low with candidates coming, a report is due, or envelopes go back", () => {
    expect(shouldCall(slot(), 0)).toBe(false);
    expect(shouldCall(slot({ left: 33 }), 0)).toBe(false);
    expect(shouldCall(slot({ left: 32 }), 0)).toBe(true);
    expect(shouldCall(slot({ left: 0, demand: false }), 0)).toBe(false);
    expect(shouldCall(slot({ left: 0, live: false }), 0)).toBe(false);
    expect(shouldCall(slot({ left: 0, dry: true }), 0)).toBe(false);
    expect(shouldCall(slot({ left: 16, calling: true }), 0)).toBe(false);
    expect(shouldCall(slot({ unreported: REPORT_BATCH }), 0)).toBe(true);
    expect(shouldCall(slot({ unreported: 1, oldestUnreportedAt: 0 }), REPORT_AFTER_MS - 1)).toBe(false);
    expect(shouldCall(slot({ unreported: 1, oldestUnreportedAt: 0 }), REPORT_AFTER_MS)).toBe(true);
    expect(shouldCall(slot({ unused: 1, live: false }), 0)).toBe(true);
  });
});

describe("lease audit", () => {
  const figures = (returnAfter: number): ShardFigures => ({
    shard: 3,
    pools: [],
    maxClaimsPerUser: 0,
    maxClaimsPerUserSponsor: 0,
    duplicateEnvelopeClaims: 0,
    leases: [{ leaseId: "L", phaseId: "p", returnAfter, count: 2, cents: 250 }],
    leaseCounters: { calls: 5, mergeCalls: 0, recorded: 7, voided: 1 },
    merging: 0,
  });

  it("sums the leases and names one still lending past its return time plus the bound", () => {
    expect(leasesAudit([figures(0), figures(0)])).toEqual({
      calls: 10,
      mergeCalls: 0,
      merging: 0,
      recorded: 14,
      voided: 2,
      outstandingCount: 4,
      outstandingCents: 500,
    });
    expect(leaseProblems([figures(1_000)], 1_500, 1_000)).toEqual([]);
    expect(leaseProblems([figures(1_000)], 2_001, 1_000)).toEqual([expect.objectContaining({ place: "lease:L", cents: 250 })]);
  });
});

describe("lease shards of an isolate", () => {
  it("are two neighbouring shards picked from the isolate's id, spread over the shards whoever the viewers are", () => {
    const primaries = new Set<number>();
    for (let i = 0; i < 200; i++) {
      const [primary, fallback] = leaseShardsOf(`isolate-${i}`, "lottery", 16);
      expect(fallback).toBe((primary + 1) % 16);
      expect(leaseShardsOf(`isolate-${i}`, "lottery", 16)).toEqual([primary, fallback]);
      primaries.add(primary);
    }
    expect(primaries.size).toBe(16);
  });

  it("walk on from a short fallback while the shards lend something, so one isolate reaches every shard; wait after one that lends nothing", () => {
    const start = { leaseShards: leaseShardsOf("isolate-0", "lottery", 16), asking: 0 as 0 | 1 };
    const [primary] = start.leaseShards;
    // Every answer short but lending some (the shards lent what their allowance lets them): primary, then fallback after fallback.
    let at = nextAsk(start, 1, 8, 16, 1_000);
    expect(at).toEqual({ leaseShards: start.leaseShards, asking: 1, dryUntil: 0 });
    const asked = new Set([primary]);
    for (let i = 0; i < 15; i++) {
      asked.add(at.leaseShards[at.asking]);
      at = nextAsk(at, 1, 8, 16, 1_000);
      expect(at).toMatchObject({ asking: 1, dryUntil: 0 });
      expect(at.leaseShards[0]).toBe(primary);
      expect(at.leaseShards[1]).not.toBe(primary);
    }
    expect(asked.size).toBe(16);
    // A fallback that lent nothing: the isolate waits, then asks its primary; the fallback moved on.
    const dry = nextAsk({ leaseShards: [3, 9], asking: 1 }, 0, 8, 16, 1_000);
    expect(dry).toEqual({ leaseShards: [3, 10], asking: 0, dryUntil: 1_000 + DRY_RETRY_MS });
    expect(nextAsk({ leaseShards: [3, 15], asking: 1 }, 0, 8, 16, 0).leaseShards).toEqual([3, 0]);
    expect(nextAsk({ leaseShards: [3, 2], asking: 1 }, 0, 8, 16, 0).leaseShards).toEqual([3, 4]);
    // A full answer sends the next ask to the primary, the fallback kept.
    expect(nextAsk({ leaseShards: [3, 9], asking: 1 }, 8, 8, 16, 0)).toEqual({ leaseShards: [3, 9], asking: 0, dryUntil: 0 });
  });
});
