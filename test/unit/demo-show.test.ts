import { describe, expect, it } from "vitest";
import { demoShow, isFinishedDemo } from "../../src/domain/demo-show";
import { phaseAt, phasesProblem } from "../../src/domain/phase";

const NOW = 1_800_000_000_000;

describe("demo show", () => {
  it("is a valid show whose first lottery phase is live now, with pools for its lottery phases", () => {
    const { timeline, pools } = demoShow(NOW);
    expect(phasesProblem(timeline.phases)).toBeNull();
    expect(phaseAt(timeline.phases, NOW).live).toMatchObject({ id: "opening-lottery", kind: "lottery" });
    const lotteries = timeline.phases.filter((p) => p.kind === "lottery").map((p) => p.id);
    expect(new Set(pools.map((p) => p.phaseId))).toEqual(new Set(lotteries));
  });

  it("is replaced, once finished, by an edition that reuses no gala or phase id", () => {
    const first = demoShow(NOW);
    const end = Math.max(...first.timeline.phases.map((p) => p.endsAt));
    expect(isFinishedDemo({ ...first.timeline, version: 1 }, end - 1)).toBe(false);
    expect(isFinishedDemo({ ...first.timeline, version: 1 }, end)).toBe(true);
    const next = demoShow(end, 1);
    const firstIds = new Set([first.timeline.galaId, ...first.timeline.phases.map((p) => p.id)]);
    for (const id of [next.timeline.galaId, ...next.timeline.phases.map((p) => p.id)]) expect(firstIds.has(id)).toBe(false);
    expect(phaseAt(next.timeline.phases, end).live?.kind).toBe("lottery");
    expect(isFinishedDemo({ ...next.timeline, version: 2 }, end + 10 * 3_600_000)).toBe(true);
    expect(isFinishedDemo({ galaId: "real-gala", version: 1, sponsors: [], phases: [] }, end)).toBe(false);
  });
});
