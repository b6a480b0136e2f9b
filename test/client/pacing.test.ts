import { describe, expect, it } from "vitest";
import { BACKOFF_CAP_MS, backoffCeilingMs, nextDelayMs, Pacer, retryAfterHeaderMs } from "../../static-assets/js/pacing.js";

describe("client pacing", () => {
  it("doubles the back-off ceiling per failure up to the cap", () => {
    expect([0, 1, 2, 3, 4].map(backoffCeilingMs)).toEqual([0, 1_000, 2_000, 4_000, 8_000]);
    expect(backoffCeilingMs(30)).toBe(BACKOFF_CAP_MS);
  });

  it("never shakes sooner than the hinted floor, and jitter spreads phones above it", () => {
    expect(nextDelayMs({ floorMs: 2_000, failures: 0 }, () => 0)).toBe(2_000);
    expect(nextDelayMs({ floorMs: 2_000, failures: 0 }, () => 0.999)).toBe(2_500);
    const delays = new Set(Array.from({ length: 50 }, (_, i) => nextDelayMs({ floorMs: 1_000, failures: 0 }, () => i / 50)));
    expect(delays.size).toBeGreaterThan(40);
  });

  it("keeps at least half the back-off ceiling after failures, and a Retry-After above it wins", () => {
    expect(nextDelayMs({ floorMs: 0, failures: 3 }, () => 0)).toBe(2_000);
    expect(nextDelayMs({ floorMs: 0, failures: 3 }, () => 0.999)).toBeLessThanOrEqual(4_000);
    expect(nextDelayMs({ floorMs: 10_000, failures: 1 }, () => 0)).toBe(10_000);
  });

  it("reads Retry-After as seconds or an HTTP date", () => {
    expect(retryAfterHeaderMs("3", 0)).toBe(3_000);
    expect(retryAfterHeaderMs(new Date(5_000).toUTCString(), 0)).toBe(5_000);
    expect(retryAfterHeaderMs(null, 0)).toBe(0);
    expect(retryAfterHeaderMs("soon", 0)).toBe(0);
  });

  it("tracks answers and failures", () => {
    const pacer = new Pacer(() => 0);
    expect(pacer.waitMs(0)).toBe(0);
    pacer.answered(1_000, { level: 2, minIntervalMs: 3_000 });
    expect(pacer.waitMs(1_000)).toBe(3_000);
    expect(pacer.throttleLevel).toBe(2);
    pacer.answered(10_000, { level: 0, minIntervalMs: 1_000 }, 5_000);
    expect(pacer.waitMs(10_000)).toBe(5_000);
    pacer.failed(20_000);
    pacer.failed(20_000);
    expect(pacer.failures).toBe(2);
    expect(pacer.waitMs(20_000)).toBe(1_000);
    pacer.answered(30_000, { level: 0, minIntervalMs: 100 });
    expect(pacer.failures).toBe(0);
  });
});
