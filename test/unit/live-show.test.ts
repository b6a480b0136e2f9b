import { describe, expect, it } from "vitest";
import { nextLotteryPhase, planRebalance } from "../../src/domain/moves";
import { ARM_LEAD_MS, REBALANCE_INTERVAL_MS, nextWake, retiredPhaseIds } from "../../src/domain/show-clock";
import { applyEdit, timelineProblem } from "../../src/domain/timeline-edit";
import { verifyMove, verifyPool } from "../../src/domain/verify";
import type { MoveRecord, Phase, PoolRecord } from "../../src/wire/index";
import { poolFigures, shardBooks } from "../support/pool-figures";

const phase = (id: string, startsAt: number, endsAt: number, kind: Phase["kind"] = "lottery", sponsorIds = ["s"]): Phase => ({
  id,
  title: id,
  kind,
  startsAt,
  endsAt,
  sponsorIds,
  greetingAssetId: "g",
  candidateRate: 0.5,
});
const poolRecord = (poolId: string, phaseId: string, budgetCents: number, count: number): PoolRecord => ({
  poolId,
  phaseId,
  sponsorId: "s",
  budgetCents,
  count,
  minCents: 1,
  maxCents: null,
  createdAt: 0,
});
const ledger = shardBooks;

describe("rebalance plan", () => {
  it("refills dry shards with half of the fullest shard", () => {
    expect(planRebalance([10, 0, 4, 0])).toEqual([
      { from: 0, to: 1, count: 5 },
      { from: 0, to: 3, count: 2 },
    ]);
    expect(planRebalance([1, 0, 0])).toEqual([]);
    expect(planRebalance([3, 3])).toEqual([]);
  });
});

describe("leftover target", () => {
  it("is the sponsor's next lottery phase, if any", () => {
    const phases = [phase("a", 0, 10), phase("g", 10, 20, "greeting", []), phase("b", 30, 40, "lottery", ["t"]), phase("c", 50, 60)];
    expect(nextLotteryPhase(phases, phases[0], "s")?.id).toBe("c");
    expect(nextLotteryPhase(phases, phases[3], "s")).toBeNull();
  });
});

describe("show clock wake-ups", () => {
  it("wakes at the exact end, before the start and while live", () => {
    const phases = [phase("live", 0, 100_000), phase("next", 200_000, 300_000)];
    expect(nextWake(phases, new Set(), 50_000, false)).toBe(50_000 + REBALANCE_INTERVAL_MS);
    expect(nextWake(phases, new Set(), 99_000, false)).toBe(100_000);
    expect(nextWake(phases, new Set(["live"]), 120_000, false)).toBe(200_000 - ARM_LEAD_MS);
    expect(nextWake(phases, new Set(["live", "next"]), 400_000, false)).toBeNull();
  });

  it("retires the unclosed phases of pools that left the running order", () => {
    expect(retiredPhaseIds([phase("now", 0, 10)], ["now", "old", "old", "done"], new Set(["done"]))).toEqual(["old"]);
  });
});

describe("timeline edits", () => {
  const doc = { galaId: "g", sponsors: [{ id: "s", name: "S", assetId: "a" }], phases: [phase("a", 1000, 2000), phase("b", 3000, 4000)] };
  const ctx = { pools: [poolRecord("p", "a", 100, 10)], closedPhaseIds: new Set<string>(), now: 1500 };

  it("refuses to strand a pool and to start an unfunded lottery", () => {
    const removed = applyEdit(doc, { kind: "remove", phaseId: "a" }, ctx);
    expect(removed.ok && timelineProblem(doc, removed.doc, ctx)).toMatch(/"a" has pools/);
    expect(applyEdit(doc, { kind: "start", phaseId: "b" }, ctx)).toEqual({ ok: false, problem: expect.stringMatching(/no pools/) });
  });

  it("lets a new gala drop the previous gala's phases", () => {
    expect(timelineProblem(doc, { ...doc, galaId: "other", phases: [] }, ctx)).toBeNull();
    expect(timelineProblem(doc, { ...doc, phases: [] }, ctx)).toMatch(/"a" has pools/);
  });

  it("stops a live phase at now and protects closed phases", () => {
    const stopped = applyEdit(doc, { kind: "stop", phaseId: "a" }, ctx);
    expect(stopped.ok && stopped.doc.phases[0].endsAt).toBe(1500);
    const closed = { ...ctx, closedPhaseIds: new Set(["a"]) };
    expect(applyEdit(doc, { kind: "patch", phaseId: "a", patch: { title: "x" } }, closed).ok).toBe(false);
    const moved = { ...doc, phases: [phase("a", 1000, 2500), doc.phases[1]] };
    expect(timelineProblem(doc, moved, closed)).toMatch(/"a" is closed/);
  });
});

describe("merge verification", () => {
  const pool = poolRecord("p", "a", 1000, 4);
  const figures = (remainingCents: number, remainingCount: number, claimedCents: number, claimedCount: number) =>
    poolFigures({ poolId: "p", loadedCount: 2, loadedCents: 500, remainingCount, remainingCents, claimedCount, claimedCents });

  it("balances loads, claims and moves per shard and per pool", () => {
    const shards = [
      ledger(0, [figures(300, 2, 400, 1)], [{ moveId: "m", poolId: "p", outCount: 0, outCents: 0, inCount: 1, inCents: 200 }]),
      ledger(1, [figures(0, 0, 300, 1)], [{ moveId: "m", poolId: "p", outCount: 1, outCents: 200, inCount: 0, inCents: 0 }]),
    ];
    const result = verifyPool(pool, shards);
    expect(result.pass).toBe(true);
    expect(result).toMatchObject({ movedInCents: 200, movedOutCents: 200, claimedCents: 700, remainingCents: 300 });
  });

  it("fails a shard whose cents do not add up, and a done move that lost cents", () => {
    const result = verifyPool(pool, [ledger(0, [figures(100, 1, 399, 1)]), ledger(1, [figures(0, 0, 500, 2)])]);
    expect(result.pass).toBe(false);
    expect(result.shards.map((s) => s.pass)).toEqual([false, true]);
    const move: MoveRecord = {
      moveId: "m",
      kind: "leftover",
      fromPoolId: "p",
      toPoolId: "q",
      sponsorId: "s",
      fromShards: [0],
      toShards: [1],
      limit: null,
      state: "done",
      landedCents: 100,
      createdAt: 0,
    };
    const moved = [
      ledger(0, [], [{ moveId: "m", poolId: "p", outCount: 1, outCents: 100, inCount: 0, inCents: 0 }]),
      ledger(1, [], [{ moveId: "m", poolId: "q", outCount: 0, outCents: 0, inCount: 1, inCents: 99 }]),
    ];
    expect(verifyMove(move, moved)).toMatchObject({ pass: false, inTransitCents: 1 });
    expect(verifyMove({ ...move, state: "planned" }, moved)).toMatchObject({ pass: true, inTransitCents: 1 });
  });
});
