/**
 * The console's estimate and the published timeline's promise, on the model `npm run
 * capacity` prints: the show's inputs come from its timeline, pools and audience, and the
 * estimate is the same bill, not a copy; at the production settings an edit reaches an idle
 * page within 10 s.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { billReport } from "../../load/capacity/cost";
import { deploymentOf } from "../../load/capacity/deployment";
import { estimate, showOf } from "../../load/capacity/estimate";
import { planLive, PROMISE_MS } from "../../load/capacity/live";
import type { Phase, PoolRecord, Timeline } from "../../src/wire/index";

const production = JSON.parse((env as unknown as { PRODUCTION_VARS: string }).PRODUCTION_VARS) as Record<string, string>;
const T0 = 1_767_225_600_000;
const MIN = 60_000;

const phase = (id: string, kind: Phase["kind"], from: number, minutes: number): Phase => ({
  id,
  title: id,
  kind,
  startsAt: T0 + from * MIN,
  endsAt: T0 + (from + minutes) * MIN,
  sponsorIds: [],
  greetingAssetId: "greeting-opening",
  candidateRate: 0.01,
});
const pool = (phaseId: string, count: number): PoolRecord => ({
  poolId: `pool-${phaseId}-${count}`,
  phaseId,
  sponsorId: "aurora",
  budgetCents: count * 100,
  count,
  minCents: 1,
  maxCents: null,
  createdAt: T0,
});

const timeline: Timeline = {
  galaId: "estimate-gala",
  version: 3,
  sponsors: [],
  phases: [phase("opening", "greeting", 0, 30), phase("first", "lottery", 30, 5), phase("second", "lottery", 90, 10)],
};
const pools = [pool("first", 30_000), pool("second", 60_000), pool("first", 30_000), pool("gone", 999)];

describe("console estimate", () => {
  it("takes the show from its timeline, pools and audience", () => {
    const s = showOf(timeline, pools, 2_000_000);
    expect(s).toMatchObject({ viewers: 2_000_000, envelopes: 120_000, lotteryPhases: 2, lotteryPhaseSeconds: 450, showHours: 100 / 60 });
    expect(s.pageOpenMinutes).toBe(60);
  });

  it("is the model's plan and bill for that show at the Worker's settings", () => {
    const e = estimate(timeline, pools, 2_000_000, production);
    // 60,000 envelopes over the 5-minute phase: the busier one.
    expect(e.show.peakEnvelopesPerSecond).toBe(200);
    expect(e.plan.shardsConfigured).toBe(Number(production.SHARD_COUNT));
    expect(e.plan.ledgerPartitionsConfigured).toBe(Number(production.LEDGER_PARTITIONS));
    expect(e.plan.livePropagationMs).toBeLessThanOrEqual(PROMISE_MS);
    const same = billReport(showOf(timeline, pools, 2_000_000), deploymentOf(production));
    expect(e.bill.totalUsd).toBe(same.totalUsd);
    expect(e.bill.totalUsd).toBeGreaterThan(e.bill.fixedUsd);
    expect(e.bill.items.reduce((sum, i) => sum + i.usd, 0)).toBeCloseTo(e.bill.totalUsd - same.planUsd, 6);
    expect(estimate(timeline, pools, 20_000_000, production).bill.totalUsd).toBeGreaterThan(e.bill.totalUsd);
  });

  it("keeps the 10-second promise at the production settings, and says when a setting would break it", () => {
    const d = deploymentOf(production);
    expect(planLive(d, 1).propagationMs).toBeLessThanOrEqual(PROMISE_MS);
    expect(planLive({ ...d, livePollMs: 9_000 }, 1).propagationMs).toBeGreaterThan(PROMISE_MS);
  });
});
