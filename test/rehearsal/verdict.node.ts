/**
 * The rehearsal's verdict and report on hand-made figures: each check passes on a healthy
 * show and fails, naming the place, on the breach it exists for.
 */
import { describe, expect, it } from "vitest";
import type { RehearsalRecord } from "../../load/rehearsal/record.ts";
import type { StatsSample } from "../../load/rehearsal/samples.ts";
import { renderReport } from "../../load/rehearsal/report.ts";
import { emptySecond, type FleetSecond } from "../../load/rehearsal/tally.ts";
import { moneyFindings, poolFindings, settlementFindings, shardFindings, verdict } from "../../load/rehearsal/verdict.ts";
import type { AuditReport, Phase } from "../../src/wire/index.ts";

const T0 = 1_800_000_000_000;
const phase: Phase = {
  id: "p1",
  title: "Lottery",
  kind: "lottery",
  startsAt: T0,
  endsAt: T0 + 10_000,
  sponsorIds: ["s"],
  greetingAssetId: "g",
  candidateRate: 0.3,
};
const pool = { poolId: "pool-1", phaseId: "p1", sponsorId: "s", budgetCents: 10_000, movedInCents: 0, movedOutCents: 0 };

function audit(over: Partial<AuditReport> = {}): AuditReport {
  return {
    galaId: "g",
    balanced: true,
    problems: [],
    pools: [{ ...pool, remainingCents: 0, claimedCents: 10_000, remainingCount: 0, claimedCount: 100, leasedCents: 0, balanced: true }],
    maxClaimsPerUser: 3,
    maxClaimsPerUserSponsor: 1,
    duplicateEnvelopeClaims: 0,
    returnedCents: 0,
    inTransitCents: 0,
    settlement: {
      balanced: true,
      stuckAfterMs: 60_000,
      pools: [
        {
          poolId: "pool-1",
          claimedCents: 10_000,
          settledCents: 10_000,
          pendingCents: 0,
          settledCount: 100,
          pendingCount: 0,
          balanced: true,
        },
      ],
      unknownLedgerCents: 0,
      stuck: [],
    },
    groups: { balanced: true, envelopes: [], stuckCreations: [], settled: [], settledProblem: null },
    leases: { calls: 0, mergeCalls: 0, merging: 0, recorded: 0, voided: 0, outstandingCount: 0, outstandingCents: 0 },
    deepChecks: [],
    ...over,
  };
}

/** Samples of pool-1: claimed count at each second of the phase (and one after it). */
function draining(claimedAt: (second: number) => number) {
  return Array.from({ length: 12 }, (_, s) => {
    const claimed = claimedAt(s);
    return {
      at: T0 + s * 1_000,
      readMs: 5,
      pools: [{ ...pool, claimedCents: claimed * 100, claimedCount: claimed, remainingCount: 100 - claimed }],
    };
  });
}

const second = (at: number, over: Partial<FleetSecond> = {}): FleetSecond => ({ ...emptySecond(), at, ...over });

const stats = (perSecond: number[]): StatsSample[] =>
  Array.from({ length: 12 }, (_, s) => ({ at: T0 + s * 1_000, readMs: 5, phases: [], shardCandidates: perSecond.map((rate) => rate * s) }));

describe("money check", () => {
  it("passes a balanced audit", () => {
    expect(moneyFindings(audit())).toEqual([]);
  });

  it("names an unbalanced pool, a ledger row naming no pool, an unbalanced group and a duplicate claim", () => {
    const broken = audit({
      balanced: false,
      pools: [{ ...audit().pools[0]!, remainingCents: 5, balanced: false }],
      settlement: { ...audit().settlement, balanced: false, unknownLedgerCents: 500 },
      groups: {
        balanced: false,
        stuckCreations: [],
        settled: [],
        settledProblem: null,
        envelopes: [
          {
            groupId: "g_1",
            funding: "seed",
            status: "created",
            amountCents: 888,
            fundedCents: 888,
            cancelledCents: 0,
            grabbedCents: 800,
            refundedCents: 0,
            openCents: 0,
            settledCents: 800,
            pendingCents: 0,
            balanced: false,
            problem: "amount ≠ grabbed + refunded + open",
          },
        ],
      },
      duplicateEnvelopeClaims: 1,
    });
    expect(moneyFindings(broken).map((f) => f.where)).toEqual(["pool pool-1 (p1/s)", "ledger", "group g_1", "shards"]);
  });

  it("names every place the audit names that its own checks do not (stock in a closed phase, a lease past its return time), once", () => {
    const problems = [
      { place: "pool:pool-1", problem: "stock left in closed phase p1 (in stock or leased): never claimable and not returned", cents: 300 },
      { place: "lease:L1", problem: "shard 2 still lends 3 envelope(s) of phase p1 past their return time", cents: 300 },
    ];
    const findings = moneyFindings(audit({ balanced: false, problems }));
    expect(findings.map((f) => [f.where, f.message])).toEqual([
      ["pool:pool-1", "stock left in closed phase p1 (in stock or leased): never claimable and not returned (3.00)"],
      ["lease:L1", "shard 2 still lends 3 envelope(s) of phase p1 past their return time (3.00)"],
    ]);
    // A place the verdict's own checks named already is not named twice.
    const unbalanced = audit({
      balanced: false,
      pools: [{ ...audit().pools[0]!, remainingCents: 5, balanced: false }],
      problems: [{ place: "pool:pool-1", problem: "budget + moved in ≠ claimed + remaining + leased + moved out", cents: -5 }],
    });
    expect(moneyFindings(unbalanced).map((f) => f.where)).toEqual(["pool pool-1 (p1/s)"]);
  });
});

describe("pool plan check", () => {
  it("passes a pool that follows its plan and drains by the end", () => {
    expect(
      poolFindings(
        draining((s) => Math.min(100, s * 10)),
        [phase],
        0.1,
        4,
      ),
    ).toEqual([]);
  });

  it("fails a pool that issued less than its plan by its end", () => {
    const [finding] = poolFindings(
      draining((s) => Math.min(70, s * 7)),
      [phase],
      0.1,
      4,
    );
    expect(finding).toMatchObject({ check: "pool-plan", where: "pool pool-1 (p1/s)", at: phase.endsAt });
    expect(finding?.message).toContain("issued 70%");
  });

  it("fails a pool that ran ahead of its pacing, beyond the head start, tolerance and one envelope per shard", () => {
    const findings = poolFindings(
      draining((s) => Math.min(100, 30 + s * 10)),
      [phase],
      0.1,
      4,
    );
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: "pool-plan", at: T0 });
    expect(
      poolFindings(
        draining((s) => Math.min(100, 18 + s * 10)),
        [phase],
        0.1,
        4,
      ),
    ).toEqual([]);
  });
});

describe("shard ceiling check", () => {
  it("passes shards under the ceiling and names the one above it", () => {
    expect(shardFindings(stats([700, 790]), 800)).toEqual([]);
    const findings = shardFindings(stats([700, 900]), 800);
    expect(findings.map((f) => f.where)).toEqual(["shard 1"]);
    expect(findings[0]?.message).toBe("900 calls/s (ceiling 800)");
  });
});

describe("settlement check", () => {
  it("passes settlements within the bound and fails a late one, an unsettled open and a pending claim", () => {
    expect(settlementFindings([second(T0, { settleMs: [900, 4_000], openToWalletMs: [9_000] })], audit(), 5_000)).toEqual([]);
    const late = settlementFindings([second(T0, { settleMs: [900, 7_000], unsettled: 1 })], audit(), 5_000);
    expect(late.map((f) => f.message)).toEqual([
      "1 envelopes settled later than 5000 ms after their open (worst 7000 ms)",
      "1 opened envelopes never showed up settled in their wallet",
    ]);
    const pending = audit({ settlement: { ...audit().settlement, pools: [{ ...audit().settlement.pools[0]!, pendingCount: 2 }] } });
    expect(settlementFindings([], pending, 5_000).map((f) => f.where)).toEqual(["ledger"]);
  });
});

describe("verdict and report", () => {
  const settings = { viewers: 10, speedup: 30, shards: 2, ceilingPerSec: 800, poolTolerance: 0.1, settleBoundMs: 5_000 };
  const input = {
    settings,
    phases: [phase],
    fleet: [second(T0 + 1_000, { kinds: { envelope: 3, greeting: 9 }, settleMs: [800], openToWalletMs: [2_000] })],
    stats: stats([10, 20]),
    pools: draining((s) => Math.min(100, s * 10)),
  };

  it("passes when every check passes and fails when one does", () => {
    expect(verdict({ ...input, finalAudit: audit() }).passed).toBe(true);
    const failed = verdict({
      ...input,
      finalAudit: audit({ balanced: false, settlement: { ...audit().settlement, unknownLedgerCents: 1 } }),
    });
    expect(failed.passed).toBe(false);
    expect(failed.summary.money).toBe("FAIL: 1 finding(s)");
    expect(failed.summary["shard-ceiling"]).toMatch(/^pass/);
  });

  it("renders a self-contained page that says which check failed and where", () => {
    const finalAudit = audit({ balanced: false, settlement: { ...audit().settlement, unknownLedgerCents: 1 } });
    const record: RehearsalRecord = {
      startedAt: "2027-01-01T00:00:00.000Z",
      command: "test",
      runtime: "test",
      machine: {},
      showStart: T0,
      showEnd: phase.endsAt,
      operator: { at: T0 + 5_000, actions: ["moved"], error: null },
      backlog: [{ at: T0 + 2_000, readMs: 9, pending: 3 }],
      ...input,
      finalAudit,
      verdict: verdict({ ...input, finalAudit }),
    };
    const html = renderReport(record);
    expect(html).toContain('<b class="headline">FAIL</b>');
    expect(html).toContain("in ledger rows that name no known pool");
    expect(html.match(/<svg /g)?.length).toBeGreaterThanOrEqual(6);
    expect(html).not.toMatch(/(?:src|href)="https?:/);
    expect(html).not.toContain("<script");
  });
});
