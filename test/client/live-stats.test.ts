import { describe, expect, it } from "vitest";
import { poolPaceRows, remainingPerShard, showTotals } from "../../static-assets/admin/live-stats.js";
import type { PhaseStats, ShardPhaseStats, StatsReport } from "../../src/wire/index";

const shard = (n: number, remainingCents: number, shakeRate = 0): ShardPhaseStats => ({
  shard: n,
  shakesSeen: 10,
  candidates: 4,
  envelopesIssued: 2,
  issuedCents: 300,
  remainingCount: 1,
  remainingCents,
  shakeRate,
});

const phase = (id: string, state: PhaseStats["state"], shards: ShardPhaseStats[]): PhaseStats => ({
  phaseId: id,
  title: id,
  kind: "lottery",
  startsAt: 0,
  endsAt: 1,
  state,
  unfunded: false,
  totals: {
    shakesSeen: shards.reduce((s, x) => s + x.shakesSeen, 0),
    candidates: shards.reduce((s, x) => s + x.candidates, 0),
    envelopesIssued: shards.reduce((s, x) => s + x.envelopesIssued, 0),
    issuedCents: shards.reduce((s, x) => s + x.issuedCents, 0),
    remainingCount: shards.reduce((s, x) => s + x.remainingCount, 0),
    remainingCents: shards.reduce((s, x) => s + x.remainingCents, 0),
    shakeRate: shards.reduce((s, x) => s + x.shakeRate, 0),
  },
  shards,
  pools: [],
});

const report: StatsReport = {
  galaId: "g",
  version: 3,
  serverTime: 0,
  issuancePacing: true,
  phases: [
    phase("done", "closed", [shard(0, 0), shard(1, 0)]),
    phase("live", "live", [shard(1, 500, 12.5), shard(0, 200, 3)]),
    phase("next", "upcoming", [shard(0, 1_000), shard(1, 50)]),
    phase("over", "ended", [shard(0, 7), shard(1, 7)]),
  ],
};

describe("console live statistics", () => {
  it("adds the show's totals across phases", () => {
    expect(showTotals(report)).toEqual({ shakeRate: 15.5, shakesSeen: 80, candidates: 32, issued: 16, remainingCount: 8 });
  });

  it("sums what remains per shard over live and upcoming phases only, by shard number", () => {
    expect(remainingPerShard(report)).toEqual([
      { shard: 0, cents: 1_200, count: 2 },
      { shard: 1, cents: 550, count: 2 },
    ]);
  });

  it("lists each live pool against its plan, and which are paced", () => {
    const pace = (sponsorId: string, issued: number, planned: number, pacedShards: number) => ({
      poolId: `pool-${sponsorId}`,
      sponsorId,
      envelopes: 400,
      issued,
      planned,
      aheadOfPlan: issued - planned,
      pacedShards,
    });
    const live: StatsReport = {
      ...report,
      phases: [
        { ...report.phases[1], pools: [pace("aurora", 120, 100, 3), pace("jade", 70, 100, 0), pace("lantern", 100, 100, 0)] },
        { ...report.phases[2], pools: [pace("phoenix", 0, 0, 0)] },
      ],
    };
    expect(poolPaceRows(live)).toEqual([
      {
        phase: "live",
        sponsor: "aurora",
        issued: "120 of 400",
        planned: "100",
        versusPlan: "20 ahead",
        pacing: "paced: held back on 3 shards",
        paced: true,
      },
      {
        phase: "live",
        sponsor: "jade",
        issued: "70 of 400",
        planned: "100",
        versusPlan: "30 behind",
        pacing: "not held back",
        paced: false,
      },
      {
        phase: "live",
        sponsor: "lantern",
        issued: "100 of 400",
        planned: "100",
        versusPlan: "on plan",
        pacing: "not held back",
        paced: false,
      },
    ]);
    expect(poolPaceRows({ ...live, issuancePacing: false }).map((r) => [r.pacing, r.paced])).toEqual([
      ["pacing off", false],
      ["pacing off", false],
      ["pacing off", false],
    ]);
  });
});
