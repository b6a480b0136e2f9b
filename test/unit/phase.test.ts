import { describe, expect, it } from "vitest";
import { phaseAt, phasesProblem } from "../../src/domain/phase";
import { drawDecision, liveShake } from "../../src/domain/shake-decision";
import type { Timeline } from "../../src/wire/index";
import { phase, SPONSORS } from "../support/phases";

const T = 1_800_000_000_000;
const timeline: Timeline = {
  galaId: "g",
  version: 1,
  sponsors: SPONSORS,
  phases: [phase("lottery", "lottery", T, T + 1_000), phase("greet", "greeting", T + 5_000, T + 6_000)],
};

describe("phase computation", () => {
  it("treats a phase as live on [startsAt, endsAt)", () => {
    expect(phaseAt(timeline.phases, T - 1).live).toBeNull();
    expect(phaseAt(timeline.phases, T - 1).next?.id).toBe("lottery");
    expect(phaseAt(timeline.phases, T).live?.id).toBe("lottery");
    expect(phaseAt(timeline.phases, T + 999).live?.id).toBe("lottery");
    expect(phaseAt(timeline.phases, T + 1_000).live).toBeNull();
    expect(phaseAt(timeline.phases, T + 1_000).next?.id).toBe("greet");
    expect(phaseAt(timeline.phases, T + 6_000)).toEqual({ live: null, next: null });
  });

  it("reports overlapping, inverted and duplicate phases", () => {
    expect(phasesProblem(timeline.phases)).toBeNull();
    expect(phasesProblem([...timeline.phases, phase("x", "greeting", T + 500, T + 2_000)])).toMatch(/overlap/);
    expect(phasesProblem([phase("y", "greeting", T, T)])).toMatch(/start before/);
    expect(phasesProblem([phase("z", "greeting", T, T + 1), phase("z", "greeting", T + 2, T + 3)])).toMatch(/twice/);
  });
});

describe("shake decision at the edge", () => {
  it("answers rest with the next start outside phases", () => {
    expect(liveShake(timeline, T - 1)).toEqual({ kind: "rest", nextStartsAt: T });
    expect(liveShake(timeline, T + 7_000)).toEqual({ kind: "rest", nextStartsAt: null });
  });

  it("answers greetings in greeting phases and leaves lottery phases to the draw", () => {
    expect(liveShake(timeline, T + 5_500).kind).toBe("greeting");
    expect(liveShake(timeline, T + 10).kind).toBe("lottery");
  });

  it("makes a draw below the phase's rate a candidate", () => {
    const sparse = phase("lottery", "lottery", T, T + 1_000, { candidateRate: 0.1 });
    expect(drawDecision(sparse, 0.0999).kind).toBe("candidate");
    expect(drawDecision(sparse, 0.1).kind).toBe("greeting");
    expect(drawDecision(sparse, 0, 0).kind).toBe("paced");
  });

  it("holds back candidates under pacing as `paced`, never as a greeting, so a retry still reaches the shard", () => {
    const half = phase("lottery", "lottery", T, T + 1_000, { candidateRate: 0.5 });
    const kinds = { candidate: 0, paced: 0, greeting: 0 };
    for (let i = 0; i < 1_000; i++) {
      const draw = i / 1_000;
      const full = drawDecision(half, draw, 1);
      const scaled = drawDecision(half, draw, 0.25);
      if (full.kind === "greeting") expect(scaled.kind).toBe("greeting");
      else expect(["candidate", "paced"]).toContain(scaled.kind);
      kinds[scaled.kind as keyof typeof kinds]++;
    }
    expect(kinds).toEqual({ candidate: 125, paced: 375, greeting: 500 });
  });
});
