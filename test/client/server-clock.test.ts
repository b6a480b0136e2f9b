/**
 * The page's server clock, from the answers it already gets: shake answers and the first
 * timeline carry the server's time to the millisecond, every poll of the published timeline
 * carries a `Date` header to the second. Each answer bounds the offset (server − phone) by
 * its [sent, received] window; the bounds of all answers intersect, widened for drift, and
 * the polls are timed so the server's second boundary splits what is still unknown. Here a
 * simulated server clock, a phone clock off by minutes, and random round trips.
 */
import { describe, expect, it } from "vitest";
import { fc, test } from "@fast-check/vitest";
import { fromDateHeader, fromServerTime, ServerClock } from "../../static-assets/js/clock.js";

/** 7 minutes and 437 ms: the sub-second part is what a clock of whole seconds cannot see. */
const SKEW_MS = -(7 * 60_000 + 437);
const ACCURACY_MS = 250;

/** A phone whose clock runs `skewMs` behind the server's (the offset to find), talking to it over a network. */
function world(skewMs: number) {
  let serverNow = 1_767_225_600_000;
  const phone = { now: () => serverNow - skewMs };
  const clock = new ServerClock({ now: () => phone.now() });
  return {
    clock,
    phone,
    wait: (ms: number) => void (serverNow += ms),
    /** The phone's clock is set `ms` forward (a time sync, a user's change). */
    jump: (ms: number) => void (skewMs -= ms),
    /** One request: `stampAfterMs` into a round trip of `rttMs` the server stamps its answer. */
    exchange(rttMs: number, stampAfterMs = rttMs / 2) {
      const sentAt = phone.now();
      serverNow += stampAfterMs;
      const stamped = serverNow;
      serverNow += rttMs - stampAfterMs;
      return { sentAt, receivedAt: phone.now(), stamped };
    },
  };
}

const dateHeader = (ms: number) => new Date(ms).toUTCString();

describe("server clock", () => {
  it("knows nothing before an answer, and an answer's millisecond time to within half its round trip", () => {
    const w = world(SKEW_MS);
    expect(w.clock.uncertaintyMs()).toBe(Infinity);
    expect(w.clock.offsetMs()).toBe(0);
    const { sentAt, receivedAt, stamped } = w.exchange(120, 100);
    w.clock.add(fromServerTime(sentAt, receivedAt, stamped));
    expect(Math.abs(w.clock.offsetMs() - SKEW_MS)).toBeLessThanOrEqual(60);
    expect(w.clock.uncertaintyMs()).toBeLessThanOrEqual(61);
    expect(Math.abs(w.clock.serverNow() - (w.phone.now() + SKEW_MS))).toBeLessThanOrEqual(60);
  });

  it("reads nothing from a missing or malformed Date header", () => {
    expect(fromDateHeader(0, 10, null)).toBeNull();
    expect(fromDateHeader(0, 10, "yesterday-ish")).toBeNull();
    expect(fromDateHeader(0, 10, "Thu, 01 Jan 2026 00:00:00 GMT")).toEqual({
      sentAt: 0,
      receivedAt: 10,
      serverFrom: 1_767_225_600_000,
      serverTo: 1_767_225_601_000,
    });
  });

  it("reaches 250 ms from Date headers alone, polling every 4 to 5 s on the server's second boundaries", () => {
    const w = world(SKEW_MS);
    const rtts = [180, 90, 260, 140, 220, 60, 300, 120];
    for (const rtt of rtts) {
      w.wait(w.clock.probeDelayMs(4_000, 5_000));
      const { sentAt, receivedAt, stamped } = w.exchange(rtt, rtt * 0.7);
      w.clock.add(fromDateHeader(sentAt, receivedAt, dateHeader(stamped))!);
    }
    expect(Math.abs(w.clock.offsetMs() - SKEW_MS)).toBeLessThanOrEqual(ACCURACY_MS);
    expect(w.clock.uncertaintyMs()).toBeLessThanOrEqual(ACCURACY_MS);
  });

  it("needs the probes timed: polls every 5 s on the same sub-second phase never get below a second", () => {
    const w = world(SKEW_MS);
    for (let i = 0; i < 8; i++) {
      w.wait(4_900);
      const { sentAt, receivedAt, stamped } = w.exchange(100);
      w.clock.add(fromDateHeader(sentAt, receivedAt, dateHeader(stamped))!);
    }
    expect(w.clock.uncertaintyMs()).toBeGreaterThan(500);
  });

  it("starts again from the newest answer when the phone's clock jumps", () => {
    const w = world(SKEW_MS);
    const first = w.exchange(80);
    expect(w.clock.add(fromServerTime(first.sentAt, first.receivedAt, first.stamped))).toBe(true);
    w.wait(5_000);
    w.jump(3_000);
    const second = w.exchange(80);
    expect(w.clock.add(fromServerTime(second.sentAt, second.receivedAt, second.stamped))).toBe(false);
    expect(Math.abs(w.clock.offsetMs() - (SKEW_MS - 3_000))).toBeLessThanOrEqual(40);
  });

  it("widens what it knows for drift as time passes without answers", () => {
    const w = world(SKEW_MS);
    const { sentAt, receivedAt, stamped } = w.exchange(40);
    w.clock.add(fromServerTime(sentAt, receivedAt, stamped));
    const tight = w.clock.uncertaintyMs();
    w.wait(600_000);
    expect(w.clock.uncertaintyMs()).toBeGreaterThan(tight + 250);
  });

  test.prop(
    [
      fc.integer({ min: -3_600_000, max: 3_600_000 }),
      fc.array(
        fc.record({
          rtt: fc.integer({ min: 5, max: 400 }),
          stampShare: fc.double({ min: 0, max: 1, noNaN: true }),
          exact: fc.boolean(),
        }),
        { minLength: 1, maxLength: 30 },
      ),
    ],
    { numRuns: 200 },
  )("never excludes the true offset, and is within 250 ms once six probes are in", (skew, answers) => {
    const w = world(skew);
    answers.forEach(({ rtt, stampShare, exact }, i) => {
      w.wait(w.clock.probeDelayMs(4_000, 5_000));
      const { sentAt, receivedAt, stamped } = w.exchange(rtt, rtt * stampShare);
      w.clock.add(exact ? fromServerTime(sentAt, receivedAt, stamped) : fromDateHeader(sentAt, receivedAt, dateHeader(stamped))!);
      const error = Math.abs(w.clock.offsetMs() - skew);
      expect(error).toBeLessThanOrEqual(w.clock.uncertaintyMs() + 1);
      if (i >= 5) expect(error).toBeLessThanOrEqual(ACCURACY_MS);
    });
  });
});
