/** The per-person limits (src/domain/limits.ts): the one rule every claim path and the audit ask. */
import { describe, expect, it } from "vitest";
import { mayTake, mergeSponsorsHeld, withinLimits } from "../../src/domain/limits";

describe("limits", () => {
  it("allow 3 envelopes per gala and 1 per sponsor", () => {
    expect(withinLimits(3, 1)).toBe(true);
    expect(withinLimits(4, 1)).toBe(false);
    expect(withinLimits(2, 2)).toBe(false);
    expect(mayTake([])).toBe(true);
    expect(mayTake(["a", "b"], "c")).toBe(true);
    expect(mayTake(["a", "b"], "a")).toBe(false);
    expect(mayTake(["a", "b", "c"])).toBe(false);
    expect(mayTake(["a", "b", "c"], "d")).toBe(false);
  });

  it("merge two accounts of a person's sponsors held by the larger count per sponsor", () => {
    expect(mergeSponsorsHeld(["a"], ["a", "b"]).sort()).toEqual(["a", "b"]);
    expect(mergeSponsorsHeld(["a", "a"], ["a"])).toEqual(["a", "a"]);
    expect(mergeSponsorsHeld([], [])).toEqual([]);
  });
});
