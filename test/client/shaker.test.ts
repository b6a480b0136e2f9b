/**
 * The PWA's shaker: a shake whose answer never came, or came as `busy`, is sent again with
 * the same request id and marked as a retry (`X-Gala-Retry:` the lottery phase it was first
 * sent in, `1` outside one), so the server finds the envelope it may have won even after the
 * phase has ended; a shake that got its answer is
 * never sent again. The
 * browser's fetch and localStorage do not exist here: stand-ins record what goes out.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { HeldClaims } from "../../static-assets/js/held-claims.js";
import { RETRY_HEADER, Shaker } from "../../static-assets/js/shaker.js";
import type { ShakeResponse } from "../../src/wire/index";
import { MemoryStorage } from "../support/memory-storage";

const throttle = { level: 0, minIntervalMs: 1_000 };
const rest: ShakeResponse = { kind: "rest", nextStartsAt: null, requestId: "", serverTime: 0, throttle };
const busy: ShakeResponse = {
  kind: "busy",
  retryAfterMs: 4_000,
  requestId: "",
  serverTime: 0,
  throttle: { level: 2, minIntervalMs: 4_000 },
};

describe("shaker", () => {
  const sent: { path: string; headers: Record<string, string> }[] = [];
  /** What the server does with the next shakes (then it answers `rest`). */
  let script: ("fail" | "busy")[] = [];

  beforeEach(() => {
    vi.useFakeTimers({ now: 1_000_000 });
    sent.length = 0;
    const storage = new MemoryStorage();
    storage.setItem("gs.session", JSON.stringify({ token: "t", userId: "u_1", expiresAt: 9e15 }));
    vi.stubGlobal("localStorage", storage);
    vi.stubGlobal("location", { href: "https://gala.test/", origin: "https://gala.test", hash: "", pathname: "/", search: "" });
    vi.stubGlobal("sessionStorage", new MemoryStorage());
    vi.stubGlobal("fetch", async (path: string, init: RequestInit) => {
      sent.push({ path, headers: init.headers as Record<string, string> });
      const next = script.shift();
      if (next === "fail") throw new TypeError("network down");
      const body = { ...(next === "busy" ? busy : rest), requestId: path.split("/").pop() };
      return new Response(JSON.stringify(body), { headers: { "Content-Type": "application/json" } });
    });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
    vi.useRealTimers();
  });

  async function shakes(count: number): Promise<string[]> {
    const events: string[] = [];
    const shaker = new Shaker(
      (e) => events.push(e.kind),
      new HeldClaims(new MemoryStorage()),
      () => "gala-1",
    );
    for (let i = 0; i < count; i++) {
      await shaker.shake();
      vi.advanceTimersByTime(120_000);
    }
    return events;
  }

  it("sends a shake whose answer was lost or busy again with the same request id, marked as a retry, and the next one fresh", async () => {
    script = ["fail", "busy"];
    expect(await shakes(4)).toEqual(["sending", "failed", "sending", "answer", "sending", "answer", "sending", "answer"]);
    expect(sent).toHaveLength(4);
    expect(sent.map((s) => s.headers[RETRY_HEADER])).toEqual([undefined, "1", "1", undefined]);
    expect(new Set(sent.slice(0, 3).map((s) => s.path)).size).toBe(1);
    expect(sent[3].path).not.toBe(sent[2].path);
  });

  it("marks a retry with the lottery phase live when the shake was first sent, even after the phase changed", async () => {
    script = ["fail", "busy"];
    let live: string | null = "lottery-a";
    const shaker = new Shaker(
      () => undefined,
      new HeldClaims(new MemoryStorage()),
      () => "gala-1",
      () => live,
    );
    await shaker.shake();
    live = "lottery-b";
    for (let i = 0; i < 3; i++) {
      vi.advanceTimersByTime(120_000);
      await shaker.shake();
    }
    live = null;
    vi.advanceTimersByTime(120_000);
    script = ["fail"];
    await shaker.shake();
    vi.advanceTimersByTime(120_000);
    await shaker.shake();
    expect(sent.map((s) => s.headers[RETRY_HEADER])).toEqual([undefined, "lottery-a", "lottery-a", undefined, undefined, "1"]);
  });

  it("never sends an answered shake again", async () => {
    script = [];
    await shakes(3);
    expect(new Set(sent.map((s) => s.path)).size).toBe(3);
    expect(sent.every((s) => s.headers[RETRY_HEADER] === undefined)).toBe(true);
  });
});
