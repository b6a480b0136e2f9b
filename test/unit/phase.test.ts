import { describe, expect, it } from "vitest";
import { phaseAt, phasesProblem } from "../../src/domain/phase";
import { decideShake } from "../../src/domain/shake-decision";
import type { Timeline } from "../../src/wire/index";
import { phase, SPONSORS } from "../support/show";

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
    expect(decideShake(timeline, T - 1, "u", "r")).toEqual({ kind: "rest", nextStartsAt: T });
    expect(decideShake(timeline, T + 7_000, "u", "r")).toEqual({ kind: "rest", nextStartsAt: null });
  });

  it("answers greetings in greeting phases", () => {
    const decision = decideShake(timeline, T + 5_500, "u", "r");
    expect(decision.kind).toBe("greeting");
  });

  it("draws candidates at the phase's rate, repeatably per request", () => {
    const sparse: Timeline = { ...timeline, phases: [phase("lottery", "lottery", T, T + 1_000, { candidateRate: 0.1 })] };
    let candidates = 0;
    for (let i = 0; i < 10_000; i++) {
      const decision = decideShake(sparse, T + 10, `user-${i % 97}`, `req-${i}`);
      if (decision.kind === "candidate") candidates++;
      expect(decideShake(sparse, T + 10, `user-${i % 97}`, `req-${i}`)).toEqual(decision);
    }
    expect(candidates).toBeGreaterThan(850);
    expect(candidates).toBeLessThan(1_150);
    expect(decideShake(sparse, T + 10, "u", "r", 0).kind).toBe("greeting");
  });

  it("holds back candidates under pacing as `paced`, never as a greeting, so a retry still reaches the shard", () => {
    const sparse: Timeline = { ...timeline, phases: [phase("lottery", "lottery", T, T + 1_000, { candidateRate: 0.5 })] };
    const kinds = { candidate: 0, paced: 0, greeting: 0 };
    for (let i = 0; i < 4_000; i++) {
      const full = decideShake(sparse, T + 10, "u", `req-${i}`, 1);
      const scaled = decideShake(sparse, T + 10, "u", `req-${i}`, 0.25);
      if (full.kind === "greeting") expect(scaled.kind).toBe("greeting");
      else expect(["candidate", "paced"]).toContain(scaled.kind);
      kinds[scaled.kind as keyof typeof kinds]++;
    }
    expect(kinds.candidate / 4_000).toBeGreaterThan(0.1);
    expect(kinds.candidate / 4_000).toBeLessThan(0.15);
    expect(kinds.paced / 4_000).toBeGreaterThan(0.35);
    expect(kinds.paced / 4_000).toBeLessThan(0.4);
  });
});
