/**
 * The page's timeline poller: one Worker request on load, then the published copy every
 * `pollMs` or so (never `/api/time`, never the Worker again while the copy answers), each
 * answer a clock sample, the Worker asked only when the copy cannot answer. A fake network
 * records what goes out; fake timers run the polls.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ServerClock } from "../../static-assets/js/clock.js";
import { CACHED_COPY_HEADER, LiveTimeline } from "../../static-assets/js/live-timeline.js";
import type { PublicTimeline } from "../../src/wire/index";

const LIVE_URL = "https://live.example.com/timeline.json";
const POLL_MS = 5_000;
/** The server's clock runs this far ahead of the phone's. */
const OFFSET_MS = 123_456;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const timeline = (version: number, serverTime: number): PublicTimeline => ({
  galaId: "gala",
  version,
  serverTime,
  phases: [],
  live: { url: LIVE_URL, pollMs: POLL_MS },
});

describe("live timeline", () => {
  const sent: { url: string; at: number; init: RequestInit }[] = [];
  /** The published copy's version, and whether its bucket answers. */
  let published = 1;
  let liveUp = true;
  let workerCached = false;

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_767_225_600_000 });
    sent.length = 0;
    published = 1;
    liveUp = true;
    workerCached = false;
  });
  afterEach(() => vi.useRealTimers());

  /** Every answer takes 40 ms and is stamped by the server in the middle of it. */
  const network = async (input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> => {
    const url = String(input);
    sent.push({ url, at: Date.now(), init });
    await sleep(20);
    const serverNow = Date.now() + OFFSET_MS;
    await sleep(20);
    if (url === LIVE_URL) {
      if (!liveUp) throw new TypeError("failed to fetch");
      return new Response(JSON.stringify(timeline(published, 0)), { headers: { Date: new Date(serverNow).toUTCString() } });
    }
    if (url === "/api/timeline") {
      const headers: Record<string, string> = workerCached ? { [CACHED_COPY_HEADER]: "1" } : {};
      return new Response(JSON.stringify(timeline(published, workerCached ? 0 : serverNow)), { headers });
    }
    return new Response("no", { status: 404 });
  };

  function start() {
    const clock = new ServerClock();
    const changes: number[] = [];
    const live = new LiveTimeline({ clock, onChange: (t) => changes.push(t.version), fetch: network });
    void live.start();
    return { clock, live, changes };
  }

  it("asks the Worker once, then reads the published copy every 4 to 5 s, uncached", async () => {
    const { clock } = start();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent[0].url).toBe("/api/timeline");
    expect(sent.slice(1).every((s) => s.url === LIVE_URL)).toBe(true);
    expect(sent.every((s) => s.init.cache === "no-store")).toBe(true);
    const gaps = sent.slice(1).map((s, i) => s.at - sent[i].at);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(POLL_MS - 1_000);
    expect(Math.max(...gaps)).toBeLessThanOrEqual(POLL_MS + 100);
    expect(sent.length).toBeGreaterThanOrEqual(12);
    expect(Math.abs(clock.offsetMs() - OFFSET_MS)).toBeLessThanOrEqual(25);
  });

  it("takes a newer version when the copy has one, and only then", async () => {
    const { live, changes } = start();
    await vi.advanceTimersByTimeAsync(6_000);
    published = 2;
    await vi.advanceTimersByTimeAsync(POLL_MS + 500);
    published = 1;
    await vi.advanceTimersByTimeAsync(POLL_MS * 3);
    expect(changes).toEqual([1, 2]);
    expect(live.timeline?.version).toBe(2);
  });

  it("asks the Worker in the same round when the copy cannot answer, so an edit still arrives", async () => {
    const { changes } = start();
    await vi.advanceTimersByTimeAsync(1_000);
    liveUp = false;
    published = 3;
    await vi.advanceTimersByTimeAsync(POLL_MS + 500);
    expect(changes).toEqual([1, 3]);
    expect(sent.at(-1)?.url).toBe("/api/timeline");
    expect(sent.at(-2)?.url).toBe(LIVE_URL);
  });

  it("does not take the service worker's offline copy for the server's time", async () => {
    workerCached = true;
    liveUp = false;
    const { live, clock } = start();
    await vi.advanceTimersByTimeAsync(100);
    expect(live.timeline?.version).toBe(1);
    expect(clock.uncertaintyMs()).toBe(Infinity);
  });
});
