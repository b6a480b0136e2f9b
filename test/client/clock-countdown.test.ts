import { describe, expect, it } from "vitest";
import { currentPhases, formatCountdown, msUntilChange } from "../../static-assets/js/countdown.js";
import { formatCents, parseCents } from "../../static-assets/js/money.js";
import type { PublicPhase } from "../../src/wire/index";

const phase = (id: string, startsAt: number, endsAt: number): PublicPhase => ({
  id,
  title: id,
  kind: "lottery",
  startsAt,
  endsAt,
  sponsors: [],
  greetingAssetId: "greeting-opening",
});

describe("countdown", () => {
  it("finds the live and the next phase on the half-open interval", () => {
    const phases = [phase("b", 200, 300), phase("a", 100, 200)];
    expect(currentPhases(phases, 199)).toEqual({ live: phases[1], next: phases[0] });
    expect(currentPhases(phases, 200).live?.id).toBe("b");
    expect(currentPhases(phases, 300)).toEqual({ live: null, next: null });
  });

  it("formats remaining time, rounding up", () => {
    expect(formatCountdown(0)).toBe("00:00");
    expect(formatCountdown(1)).toBe("00:01");
    expect(formatCountdown(90_000)).toBe("01:30");
    expect(formatCountdown(3 * 3_600_000 + 61_000)).toBe("3:01:01");
    expect(formatCountdown(-5)).toBe("00:00");
  });

  it("says when the shown second changes, so the page redraws on the server's second", () => {
    expect(msUntilChange(90_000)).toBe(1_000);
    expect(msUntilChange(89_999)).toBe(999);
    expect(msUntilChange(89_001)).toBe(1);
    expect(formatCountdown(89_001)).not.toBe(formatCountdown(89_001 - msUntilChange(89_001)));
    expect(formatCountdown(89_001 - msUntilChange(89_001) + 1)).toBe(formatCountdown(89_001));
    expect(msUntilChange(0)).toBe(Infinity);
  });
});

describe("money", () => {
  it("formats integer cents as yuan with Intl.NumberFormat, exactly, and parses them", () => {
    expect(formatCents(0)).toBe("¥0.00");
    expect(formatCents(123_405)).toBe("¥1,234.05");
    expect(formatCents(-5)).toBe("-¥0.05");
    expect(formatCents(123_456_789_012_345, "zh-CN")).toBe("¥1,234,567,890,123.45");
    expect(parseCents("12")).toBe(1_200);
    expect(parseCents("12.3")).toBe(1_230);
    expect(parseCents(" 0.07 ")).toBe(7);
    expect(parseCents("1.234")).toBeNull();
    expect(parseCents("-1")).toBeNull();
  });
});
