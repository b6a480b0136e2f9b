import { describe, expect, it } from "vitest";
import { LoadGauge } from "../../src/domain/load-gauge";

describe("load gauge", () => {
  it("counts calls per second and in flight, smooths latency and forgets it once stale", () => {
    const gauge = new LoadGauge(0.5, 1_000);
    for (let i = 0; i < 10; i++) gauge.start(10_000 + i);
    expect(gauge.inFlight).toBe(10);
    expect(gauge.perSecond(10_100)).toBe(10);
    gauge.finish(10_000, 10_100);
    gauge.finish(10_001, 10_201);
    expect(gauge.inFlight).toBe(8);
    expect(gauge.latencyMs(10_300)).toBe(125); // 0 -> 50 (100 ms) -> 125 (200 ms)
    expect(gauge.latencyMs(11_201)).toBe(0);
    expect(gauge.perSecond(12_500)).toBe(0);
  });
});
