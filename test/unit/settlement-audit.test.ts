/** The pure settlement rules: backoff, the settlement audit merge and the wallet view. */
import { describe, expect, it } from "vitest";
import { retryDelaySeconds, walletView } from "../../src/domain/settlement";
import { mergeSettlement, type SettlementAuditInput } from "../../src/domain/settlement-audit";
import type { PendingClaim, PoolRecord } from "../../src/wire/index";
import type { ShardFigures } from "../../src/wire/rpc";
import { poolFigures, shardBooks } from "../support/pool-figures";

const pool: PoolRecord = {
  poolId: "pool-1",
  phaseId: "p1",
  sponsorId: "s1",
  budgetCents: 1000,
  count: 10,
  minCents: 1,
  maxCents: null,
  createdAt: 0,
};

const claimFigures = (claimedCount: number, claimedCents: number): ShardFigures => ({
  ...shardBooks(0, [
    poolFigures({
      poolId: "pool-1",
      loadedCount: 10,
      loadedCents: 1000,
      remainingCount: 10 - claimedCount,
      remainingCents: 1000 - claimedCents,
      claimedCount,
      claimedCents,
    }),
  ]),
  maxClaimsPerUser: 1,
  maxClaimsPerUserSponsor: 1,
});

const pending = (claimId: string, amountCents: number, extra: Partial<PendingClaim> = {}): PendingClaim => ({
  claimId,
  userId: "u",
  poolId: "pool-1",
  phaseId: "p1",
  sponsorId: "s1",
  amountCents,
  claimedAt: 0,
  shard: 0,
  openedAt: null,
  enqueuedAt: null,
  deadAt: null,
  ...extra,
});

function input(overrides: Partial<SettlementAuditInput>): SettlementAuditInput {
  return {
    pools: [pool],
    claims: [claimFigures(3, 300)],
    motion: [{ shard: 0, unconfirmed: [], inFlight: [], stranded: [] }],
    ledger: [],
    inLedger: new Set(),
    now: 100_000,
    stuckAfterMs: 60_000,
    ...overrides,
  };
}

describe("retry backoff", () => {
  it("doubles per attempt and caps at five minutes", () => {
    expect([1, 2, 3, 4, 9, 10, 50].map(retryDelaySeconds)).toEqual([1, 2, 4, 8, 256, 300, 300]);
  });
});

describe("settlement audit merge", () => {
  it("balances claimed = settled + pending to the cent", () => {
    const audit = mergeSettlement(
      input({
        motion: [{ shard: 0, unconfirmed: [{ poolId: "pool-1", count: 1, cents: 120 }], inFlight: [], stranded: [] }],
        ledger: [{ poolId: "pool-1", count: 2, cents: 180 }],
      }),
    );
    expect(audit.balanced).toBe(true);
    expect(audit.pools[0]).toMatchObject({ claimedCents: 300, settledCents: 180, pendingCents: 120 });
  });

  it("counts a claim settled in the ledger but not yet confirmed on its shard once", () => {
    const inFlight = [pending("c1", 120, { enqueuedAt: 99_000 })];
    const audit = mergeSettlement(
      input({
        motion: [{ shard: 0, unconfirmed: [{ poolId: "pool-1", count: 1, cents: 120 }], inFlight, stranded: [] }],
        ledger: [{ poolId: "pool-1", count: 3, cents: 300 }],
        inLedger: new Set(["c1"]),
      }),
    );
    expect(audit.balanced).toBe(true);
    expect(audit.pools[0].pendingCents).toBe(0);
  });

  it("is unbalanced when a cent is missing or credited twice, or the ledger names an unknown pool", () => {
    expect(mergeSettlement(input({ ledger: [{ poolId: "pool-1", count: 3, cents: 299 }] })).balanced).toBe(false);
    expect(mergeSettlement(input({ ledger: [{ poolId: "pool-1", count: 4, cents: 300 }] })).balanced).toBe(false);
    const unknown = mergeSettlement(
      input({
        ledger: [
          { poolId: "pool-1", count: 3, cents: 300 },
          { poolId: "pool-zz", count: 1, cents: 5 },
        ],
      }),
    );
    expect(unknown).toMatchObject({ balanced: false, unknownLedgerCents: 5 });
  });

  it("names claims enqueued longer than the threshold, dead letters and stranded claims", () => {
    const old = pending("old", 100, { enqueuedAt: 10_000 });
    const fresh = pending("fresh", 100, { enqueuedAt: 90_000 });
    const dead = pending("dead", 50, { enqueuedAt: 95_000, deadAt: 99_000 });
    const stranded = pending("stranded", 50);
    const audit = mergeSettlement(input({ motion: [{ shard: 0, unconfirmed: [], inFlight: [old, fresh, dead], stranded: [stranded] }] }));
    expect(audit.stuck.map((c) => c.claimId)).toEqual(["old", "dead", "stranded"]);
  });
});

describe("wallet view", () => {
  it("pends a claim by the ledger's answer for it, not by the rows shown (a settled claim older than the rows shown)", () => {
    const claim = {
      claimId: "c1",
      userId: "u",
      poolId: "pool-1",
      phaseId: "p1",
      sponsorId: "s1",
      amountCents: 30,
      claimedAt: 5,
      openedAt: 6,
      settledAt: null,
    };
    const view = walletView("u", { balanceCents: 40, rows: [], settledClaimIds: ["c1"] }, [claim]);
    expect(view).toMatchObject({ balanceCents: 40, pendingCents: 0, entries: [] });
  });

  it("shows ledger rows as settled and claims without a ledger row as pending", () => {
    const claim = {
      claimId: "c2",
      userId: "u",
      poolId: "pool-1",
      phaseId: "p1",
      sponsorId: "s1",
      amountCents: 70,
      claimedAt: 5,
      openedAt: null,
      settledAt: null,
    };
    const settledClaim = { ...claim, claimId: "c1", amountCents: 30, settledAt: 9 };
    const view = walletView(
      "u",
      {
        balanceCents: 30,
        rows: [{ entryId: "claim:c1", kind: "envelope", amountCents: 30, claimId: "c1", sponsorId: "s1", phaseId: "p1", createdAt: 9 }],
        settledClaimIds: ["c1"],
      },
      [settledClaim, claim],
    );
    expect(view).toEqual({
      userId: "u",
      balanceCents: 30,
      pendingCents: 70,
      entries: [
        { entryId: "claim:c2", kind: "envelope", status: "pending", amountCents: 70, claimId: "c2", sponsorId: "s1", phaseId: "p1", at: 5 },
        { entryId: "claim:c1", kind: "envelope", status: "settled", amountCents: 30, claimId: "c1", sponsorId: "s1", phaseId: "p1", at: 9 },
      ],
    });
  });
});
