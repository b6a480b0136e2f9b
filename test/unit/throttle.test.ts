import { describe, expect, it } from "vitest";
import { issuanceAllowance, nextCandidateScale, poolHeadroom, HEAD_START, MIN_SCALE } from "../../src/domain/pacing";
import { RateWindow } from "../../src/domain/rate-window";
import { shardErrorAction } from "../../src/domain/shard-errors";
import { admitCandidate, maxInFlight, type ShardView } from "../../src/domain/shard-admission";
import { levelFor, retryAfterSeconds, SHED_LEVEL, throttleHint, utilisation } from "../../src/domain/throttle";

const idle: ShardView = { localPerSec: 0, inFlight: 0, latencyMs: 0, reportedPerSec: 0, reportedQueueMs: 0 };
const limits = { ceilingPerSec: 800, targetLatencyMs: 100 };

describe("throttle levels", () => {
  it("grow with utilisation and ask for longer spacing at each level", () => {
    expect([0, 0.49, 0.5, 0.69, 0.7, 0.84, 0.85, 0.99, 1, 3].map(levelFor)).toEqual([0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
    const intervals = [0, 1, 2, 3, 4].map((l) => throttleHint(l).minIntervalMs);
    for (let l = 1; l < intervals.length; l++) expect(intervals[l]).toBeGreaterThan(intervals[l - 1]);
    expect(throttleHint(9)).toEqual(throttleHint(SHED_LEVEL));
    expect(throttleHint(-1)).toEqual({ level: 0, minIntervalMs: 1000 });
    expect(retryAfterSeconds(SHED_LEVEL)).toBe(15);
  });

  it("takes the busiest of rate, queue and latency", () => {
    const base = { ratePerSec: 100, ceilingPerSec: 1000, inFlight: 1, maxInFlight: 10, latencyMs: 10, targetLatencyMs: 100 };
    expect(utilisation(base)).toBeCloseTo(0.1);
    expect(utilisation({ ...base, inFlight: 9 })).toBeCloseTo(0.9);
    expect(utilisation({ ...base, latencyMs: 200 })).toBeCloseTo(2);
  });
});

describe("shard admission", () => {
  it("admits an idle shard at level 0 and sheds at the rate ceiling or a full queue", () => {
    expect(admitCandidate(idle, limits)).toEqual({ admit: true, level: 0 });
    expect(admitCandidate({ ...idle, localPerSec: 800 }, limits)).toEqual({ admit: false, level: SHED_LEVEL });
    expect(admitCandidate({ ...idle, reportedPerSec: 900 }, limits)).toEqual({ admit: false, level: SHED_LEVEL });
    expect(admitCandidate({ ...idle, inFlight: maxInFlight(limits) }, limits).admit).toBe(false);
    expect(admitCandidate({ ...idle, reportedPerSec: 600 }, limits)).toEqual({ admit: true, level: 2 });
  });

  it("raises the level for latency but never sheds on latency alone", () => {
    expect(admitCandidate({ ...idle, latencyMs: 500 }, limits)).toEqual({ admit: true, level: SHED_LEVEL - 1 });
    expect(admitCandidate({ ...idle, reportedQueueMs: 75 }, limits)).toEqual({ admit: true, level: 2 });
  });
});

describe("pacing", () => {
  const window = { startsAt: 10_000, endsAt: 110_000 };

  it("lets a shard issue its pool over the phase, with a small head start", () => {
    expect(issuanceAllowance(1000, window, 0)).toBe(1000 * HEAD_START);
    expect(issuanceAllowance(1000, window, 10_000)).toBe(50);
    expect(issuanceAllowance(1000, window, 60_000)).toBe(550);
    expect(issuanceAllowance(1000, window, 109_000)).toBe(1000);
    expect(issuanceAllowance(1000, window, 500_000)).toBe(1000);
    expect(issuanceAllowance(7, { startsAt: 5, endsAt: 5 }, 0)).toBe(7);
  });

  it("counts a pool's issued and lent envelopes against its allowance over all its envelopes", () => {
    // 1000 envelopes, 300 issued or lent, 700 in stock: 550 allowed half way, so 250 more.
    expect(poolHeadroom(300, 700, window, 60_000)).toBe(250);
    expect(poolHeadroom(600, 400, window, 60_000)).toBe(0);
    expect(poolHeadroom(0, 1000, window, 0)).toBe(50);
  });

  it("scales candidates so the demand reaching a shard settles under its ceiling", () => {
    let scale = 1;
    const demand = 5000;
    for (let step = 0; step < 5; step++) scale = nextCandidateScale(scale, demand * scale, 800);
    expect(demand * scale).toBeCloseTo(640);
    expect(nextCandidateScale(0.1, 10, 800)).toBe(1);
    expect(nextCandidateScale(0.02, 1e9, 800)).toBe(MIN_SCALE);
  });
});

describe("rate window", () => {
  it("counts the last second, fading the previous one out", () => {
    const w = new RateWindow();
    for (let i = 0; i < 100; i++) w.record(5_000 + i);
    expect(w.perSecond(5_999)).toBe(100);
    expect(w.perSecond(6_500)).toBeCloseTo(50);
    expect(w.perSecond(7_000)).toBe(0);
    expect(w.perSecond(9_000)).toBe(0);
  });
});

describe("shard error handling", () => {
  const platformError = (flags: { retryable?: boolean; overloaded?: boolean }) => Object.assign(new Error("Durable Object error"), flags);

  it("never retries overloaded errors, retries retryable ones while retries remain", () => {
    expect(shardErrorAction(platformError({ overloaded: true, retryable: true }), 1)).toBe("shed-overloaded");
    expect(shardErrorAction(platformError({ retryable: true }), 1)).toBe("retry");
    expect(shardErrorAction(platformError({ retryable: true }), 0)).toBe("shed-failed");
    expect(shardErrorAction(platformError({}), 1)).toBe("shed-failed");
    expect(shardErrorAction("not an error", 1)).toBe("shed-failed");
  });
});
