/** The alert rules, one condition at a time, each at the edge of its threshold. */
import { describe, expect, it } from "vitest";
import { DRAIN_JUDGED_AFTER, evaluateAlerts, NEAR_CEILING, type AlertInputs } from "../../src/domain/alerts";
import type { AuditReport, PendingClaim, Phase, PhaseStats, ShardPhaseStats } from "../../src/wire/index";

const NOW = 1_000_000_000;

const phase: Phase = {
  id: "p1",
  title: "P1",
  kind: "lottery",
  startsAt: NOW - 100_000,
  endsAt: NOW + 100_000,
  sponsorIds: ["s"],
  greetingAssetId: "g",
  candidateRate: 0.5,
};

function claim(extra: Partial<PendingClaim>): PendingClaim {
  return {
    claimId: crypto.randomUUID(),
    userId: "u",
    poolId: "pool",
    phaseId: "p1",
    sponsorId: "s",
    amountCents: 100,
    claimedAt: NOW - 600_000,
    shard: 0,
    openedAt: null,
    enqueuedAt: NOW - 400_000,
    deadAt: null,
    ...extra,
  };
}

function audit(extra: Partial<AuditReport> = {}, stuck: PendingClaim[] = []): AuditReport {
  return {
    galaId: "g",
    balanced: true,
    problems: [],
    pools: [],
    maxClaimsPerUser: 1,
    maxClaimsPerUserSponsor: 1,
    duplicateEnvelopeClaims: 0,
    returnedCents: 0,
    inTransitCents: 0,
    settlement: { balanced: true, stuckAfterMs: 300_000, pools: [], unknownLedgerCents: 0, stuck },
    groups: { balanced: true, envelopes: [], stuckCreations: [], settled: [], settledProblem: null },
    leases: { calls: 0, mergeCalls: 0, merging: 0, recorded: 0, voided: 0, outstandingCount: 0, outstandingCents: 0 },
    deepChecks: [],
    ...extra,
  };
}

function shardStats(shard: number, shakeRate: number): ShardPhaseStats {
  return { shard, shakesSeen: 0, candidates: 0, envelopesIssued: 0, issuedCents: 0, remainingCount: 0, remainingCents: 0, shakeRate };
}

function stats(extra: Partial<PhaseStats> = {}): AlertInputs["stats"] {
  const shards = extra.shards ?? [shardStats(0, 0)];
  return {
    galaId: "g",
    version: 1,
    serverTime: NOW,
    issuancePacing: true,
    phases: [
      {
        phaseId: "p1",
        title: "P1",
        kind: "lottery",
        startsAt: phase.startsAt,
        endsAt: phase.endsAt,
        state: "live",
        unfunded: false,
        totals: { ...shardStats(0, 0), remainingCount: 0 },
        shards,
        pools: [],
        ...extra,
      },
    ],
  };
}

const inputs = (extra: Partial<AlertInputs>): AlertInputs => ({
  now: NOW,
  audit: audit(),
  stats: stats(),
  phases: [phase],
  shardCeilingRps: 800,
  ...extra,
});
const kinds = (input: AlertInputs) => evaluateAlerts(input).map((a) => a.kind);

describe("alert rules", () => {
  it("a quiet show raises nothing", () => {
    expect(evaluateAlerts(inputs({}))).toEqual([]);
  });

  it("settlements stuck past their bound and dead letters are critical, with counts and cents", () => {
    const alerts = evaluateAlerts(inputs({ audit: audit({}, [claim({}), claim({ amountCents: 50 }), claim({ deadAt: NOW - 1000 })]) }));
    expect(alerts).toEqual([
      expect.objectContaining({ kind: "settlement_stuck", severity: "critical", count: 2, message: expect.stringContaining("150 cents") }),
      expect.objectContaining({ kind: "dead_letters", severity: "critical", count: 1 }),
    ]);
  });

  it("the audit failing names its places; an audit that cannot run is failing too", () => {
    const failing = audit({
      balanced: false,
      pools: [
        {
          poolId: "pool-x",
          phaseId: "p1",
          sponsorId: "s",
          budgetCents: 1,
          remainingCents: 0,
          claimedCents: 0,
          remainingCount: 0,
          claimedCount: 0,
          leasedCents: 0,
          movedInCents: 0,
          movedOutCents: 0,
          balanced: false,
        },
      ],
    });
    expect(evaluateAlerts(inputs({ audit: failing }))).toEqual([
      expect.objectContaining({ kind: "audit_failing", message: expect.stringContaining("pool pool-x") }),
    ]);
    expect(kinds(inputs({ audit: null }))).toEqual(["audit_failing"]);
  });

  it("a shard whose claim calls reach the ceiling share is near it; just below is not", () => {
    const at = (NEAR_CEILING * 800) / phase.candidateRate;
    const alerts = evaluateAlerts(inputs({ stats: stats({ shards: [shardStats(0, at - 1), shardStats(3, at)] }) }));
    expect(alerts).toEqual([
      expect.objectContaining({ kind: "shard_near_ceiling", severity: "warning", shard: 3, phaseId: "p1", count: 640 }),
    ]);
  });

  it("a pool that will not drain at its issuance rate so far is raised, once the phase is far enough in", () => {
    const issuedSoFar = 100;
    const slow = { ...shardStats(0, 0), envelopesIssued: issuedSoFar, remainingCount: issuedSoFar + 1 };
    expect(kinds(inputs({ stats: stats({ totals: slow }) }))).toEqual(["pool_will_not_drain"]);
    expect(kinds(inputs({ stats: stats({ totals: { ...slow, remainingCount: issuedSoFar } }) }))).toEqual([]);
    const early = NOW - (DRAIN_JUDGED_AFTER * 200_000) / 2;
    expect(kinds(inputs({ stats: stats({ totals: slow, startsAt: early, endsAt: early + 200_000 }) }))).toEqual([]);
    expect(kinds(inputs({ stats: stats({ totals: slow, state: "ended" }) }))).toEqual([]);
  });

  it("critical alerts come first", () => {
    const at = 2000;
    const alerts = evaluateAlerts(inputs({ audit: audit({}, [claim({ deadAt: NOW })]), stats: stats({ shards: [shardStats(0, at)] }) }));
    expect(alerts.map((a) => a.severity)).toEqual(["critical", "warning"]);
  });
});
