import { describe, expect, it } from "vitest";
import { backlogFigures, stuckReason } from "../../static-assets/admin/backlog.js";
import type { AuditReport, PendingClaim, PoolSettlement } from "../../src/wire/index";

const pool = (pendingCount: number, pendingCents: number): PoolSettlement => ({
  poolId: `p${pendingCount}`,
  claimedCents: pendingCents + 100,
  settledCents: 100,
  pendingCents,
  settledCount: 1,
  pendingCount,
  balanced: true,
});

const claim = (over: Partial<PendingClaim>): PendingClaim => ({
  claimId: "c1",
  userId: "u1",
  poolId: "p1",
  phaseId: "ph",
  sponsorId: "aurora",
  amountCents: 120,
  claimedAt: 1,
  shard: 0,
  openedAt: null,
  enqueuedAt: null,
  deadAt: null,
  ...over,
});

describe("console settlement backlog", () => {
  it("adds pending envelopes across pools and group credits on their way", () => {
    const stuck = [claim({})];
    const report = {
      settlement: { balanced: true, stuckAfterMs: 300_000, pools: [pool(2, 350), pool(3, 40)], unknownLedgerCents: 0, stuck },
      groups: { balanced: true, stuckCreations: [], envelopes: [{ pendingCents: 12 }, { pendingCents: 30 }] },
    } as unknown as AuditReport;
    expect(backlogFigures(report)).toEqual({ pendingCount: 5, pendingCents: 390, groupPendingCents: 42, stuck });
  });

  it("names why a claim is stuck", () => {
    expect(stuckReason(claim({ enqueuedAt: 5, deadAt: 9 }))).toMatch(/dead letter/);
    expect(stuckReason(claim({ enqueuedAt: 5 }))).toMatch(/enqueued/);
    expect(stuckReason(claim({}))).toMatch(/never enqueued/);
  });
});
