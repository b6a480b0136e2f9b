import { describe, expect, it } from "vitest";
import { bestOffsetMs, measureOffsetMs } from "../../static-assets/js/clock.js";
import { currentPhases, formatCountdown } from "../../static-assets/js/countdown.js";
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

describe("server clock offset", () => {
  it("uses the sample with the shortest round trip, at its midpoint", () => {
    const offset = bestOffsetMs([
      { sentAt: 0, receivedAt: 400, serverTime: 10_000 },
      { sentAt: 1_000, receivedAt: 1_020, serverTime: 11_000 },
    ]);
    expect(offset).toBe(11_000 - 1_010);
    expect(bestOffsetMs([])).toBe(0);
  });

  it("measures through a reader and skips failed samples", async () => {
    let t = 0;
    let call = 0;
    const now = () => (t += 10);
    const read = async () => {
      call += 1;
      if (call === 2) throw new Error("lost");
      return 1_000_000;
    };
    const { offsetMs, samples } = await measureOffsetMs(read, now, 3);
    expect(samples).toBe(2);
    expect(offsetMs).toBe(1_000_000 - 15);
  });
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
