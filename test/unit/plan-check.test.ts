import { describe, expect, it } from "vitest";
import { planShortfalls } from "../../src/domain/plan-check";
import { timelineWarnings } from "../../src/domain/timeline-edit";
import type { Phase, PoolRecord } from "../../src/wire/index";

const lottery = (id: string, startsAt: number, sponsorIds: string[]): Phase => ({
  id,
  title: id,
  kind: "lottery",
  startsAt,
  endsAt: startsAt + 100,
  sponsorIds,
  greetingAssetId: "g",
  candidateRate: 0.5,
});
const pool = (phaseId: string, sponsorId: string, count: number): PoolRecord => ({
  poolId: `${phaseId}-${sponsorId}-${count}`,
  phaseId,
  sponsorId,
  budgetCents: count * 100,
  count,
  minCents: 1,
  maxCents: null,
  createdAt: 0,
});
const sponsors = ["a", "b", "c", "d"].map((id) => ({ id, name: id, assetId: id }));

describe("plans that count eligibility", () => {
  const phases = [lottery("late", 2000, ["a", "b"]), lottery("early", 1000, ["a", "c"])];

  it("finds none where every sponsor's envelopes have takers", () => {
    const pools = [pool("early", "a", 60), pool("early", "c", 100), pool("late", "a", 40), pool("late", "b", 100)];
    expect(planShortfalls(phases, pools, 100, 0)).toEqual([]);
  });

  it("counts the viewers who took the sponsor in earlier phases as no longer eligible (1 per sponsor)", () => {
    const pools = [pool("early", "a", 60), pool("late", "a", 30), pool("late", "a", 20)];
    expect(planShortfalls(phases, pools, 100, 0)).toEqual([{ phaseId: "late", sponsorId: "a", envelopes: 50, takers: 40, earlier: 60 }]);
  });

  it("counts what is left of three envelopes per viewer over the gala", () => {
    const four = ["a", "b", "c", "d"];
    const wide = [lottery("one", 1000, four), lottery("two", 2000, four)];
    const pools = [...four.map((s) => pool("one", s, 10)), ...four.map((s) => pool("two", s, 5))];
    expect(planShortfalls(wide, pools, 15, 0)).toEqual([{ phaseId: "two", sponsorId: null, envelopes: 20, takers: 5, earlier: 40 }]);
  });

  it("warns only about phases that have not ended, counting the ended ones as taken", () => {
    const pools = [pool("early", "a", 100), pool("late", "a", 10)];
    expect(planShortfalls(phases, pools, 100, 1500).map((s) => s.phaseId)).toEqual(["late"]);
    expect(planShortfalls(phases, pools, 100, 5000)).toEqual([]);
  });

  it("are the timeline's warnings when it names its audience", () => {
    const pools = [pool("early", "a", 60), pool("late", "a", 50), pool("late", "b", 1)];
    const doc = { galaId: "g", sponsors, phases };
    expect(timelineWarnings(doc, pools, 0)).toEqual([]);
    const warnings = timelineWarnings({ ...doc, audience: 100 }, pools, 0);
    expect(warnings).toEqual([
      'lottery phase "late" plans 50 envelopes of sponsor "a" but only 40 of the 100 expected viewers can still take one ' +
        "(1 per sponsor per person, 60 planned earlier): at least 10 cannot be won in it",
    ]);
  });
});
