import { describe, expect, it } from "vitest";
import { swapWithNext } from "../../static-assets/admin/timeline-ops.js";
import { ShakeDetector } from "../../static-assets/js/shake-detect.js";
import { phasesProblem } from "../../src/domain/phase";
import type { Phase } from "../../src/wire/index";

const phase = (id: string, startsAt: number, endsAt: number): Phase => ({
  id,
  title: id,
  kind: "lottery",
  startsAt,
  endsAt,
  sponsorIds: [],
  greetingAssetId: "g",
  candidateRate: 0.5,
});

describe("shake detection", () => {
  it("needs several strong jolts in a short window, then cools down", () => {
    const d = new ShakeDetector();
    expect(d.push(0, 0, 9.81, 0)).toBe(false);
    expect(d.push(30, 0, 9.8, 100)).toBe(false);
    expect(d.push(-30, 0, 9.8, 200)).toBe(false);
    expect(d.push(30, 0, 9.8, 300)).toBe(true);
    expect([400, 500, 600].map((t) => d.push(30, 0, 9.8, t))).toEqual([false, false, false]);
    expect([1_400, 1_500, 1_600].map((t) => d.push(30, 0, 9.8, t))).toEqual([false, false, true]);
  });

  it("ignores jolts spread too far apart", () => {
    const d = new ShakeDetector();
    expect([0, 900, 1_800].map((t) => d.push(30, 0, 9.8, t))).toEqual([false, false, false]);
  });
});

describe("timeline edits", () => {
  const show = [phase("a", 1_000, 2_000), phase("b", 2_500, 4_000), phase("c", 5_000, 6_000)];

  it("swaps two phases' slots, keeping the gap and lengths", () => {
    const swapped = swapWithNext(show, 0);
    expect(swapped.map((p) => [p.id, p.startsAt, p.endsAt])).toEqual([
      ["b", 1_000, 2_500],
      ["a", 3_000, 4_000],
      ["c", 5_000, 6_000],
    ]);
    expect(phasesProblem(swapped)).toBeNull();
    expect(swapWithNext(show, 2)).toEqual(show);
  });
});
