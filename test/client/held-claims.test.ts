/**
 * What the PWA keeps for edge-lease wins: signed claims until the server has recorded or
 * voided them, presented in batches with back-off, and the gala's latest holdings for the
 * shake header. The browser's localStorage does not exist in workerd: a Map stands in for it
 * (test/browser/edge-leases.e2e.ts runs the same modules on the real one, against the server).
 */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiFailure } from "../../static-assets/js/api.js";
import { ClaimPresenter, PRESENT_DELAY_MS } from "../../static-assets/js/claim-presenter.js";
import { HeldClaims, HOLDINGS_HEADER } from "../../static-assets/js/held-claims.js";
import type { PresentRequest, PresentResponse } from "../../src/wire/index";
import { MemoryStorage } from "../support/memory-storage";

const claim = (n: number, galaId = "gala-1") => ({ claimId: `c${n}`, galaId, signedClaim: `signed.${n}` });

describe("held claims", () => {
  it("keeps each signed claim once, across page loads, until it is dropped", () => {
    const storage = new MemoryStorage();
    const held = new HeldClaims(storage);
    held.keep(claim(1));
    held.keep(claim(1));
    held.keep(claim(2, "gala-0"));
    const reloaded = new HeldClaims(storage);
    expect(reloaded.all()).toEqual([claim(1), claim(2, "gala-0")]);
    expect(reloaded.signedClaimFor("c2")).toBe("signed.2");
    reloaded.drop(["c1", "unknown"]);
    expect(held.all()).toEqual([claim(2, "gala-0")]);
    held.drop(["c2"]);
    expect(storage.length).toBe(0);
  });

  it("reads damaged storage as holding nothing rather than failing the page", () => {
    const storage = new MemoryStorage();
    storage.setItem("gs.claims", "{not json");
    expect(new HeldClaims(storage).all()).toEqual([]);
    storage.setItem("gs.claims", JSON.stringify([{ claimId: "c1" }, claim(2)]));
    expect(new HeldClaims(storage).all()).toEqual([claim(2)]);
  });

  it("sends the gala's latest holdings, none in a new gala, and forgets older galas' holdings", () => {
    const storage = new MemoryStorage();
    const held = new HeldClaims(storage);
    expect(held.shakeHeaders("gala-1")).toEqual({});
    held.keepHoldings("gala-1", "h1");
    held.keepHoldings("gala-1", "h2");
    expect(held.shakeHeaders("gala-1")).toEqual({ [HOLDINGS_HEADER]: "h2" });
    expect(held.shakeHeaders("gala-2")).toEqual({});
    held.keep(claim(1));
    held.keepHoldings("gala-2", "g2");
    expect(held.holdings("gala-1")).toBeNull();
    expect(held.shakeHeaders("gala-2")).toEqual({ [HOLDINGS_HEADER]: "g2" });
    expect(held.all()).toEqual([claim(1)]);
  });
});

describe("claim presenter", () => {
  beforeEach(() => vi.useFakeTimers({ now: 1_000_000 }));
  afterEach(() => vi.useRealTimers());

  /** A scripted server: each call answers the next entry (a function of the request, or an error). */
  function server(...answers: ((r: PresentRequest) => PresentResponse | Error)[]) {
    const requests: { at: number; signedClaims: string[] }[] = [];
    const send = async (request: PresentRequest) => {
      requests.push({ at: Date.now(), signedClaims: request.signedClaims });
      const answer = answers[Math.min(requests.length, answers.length) - 1](request);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return { requests, send };
  }
  const recordAll = (r: PresentRequest): PresentResponse => ({
    results: r.signedClaims.map((s) => ({ claimId: `c${s.split(".")[1]}`, status: "recorded" as const })),
  });

  it("presents the wins of a few seconds in one batch and forgets what is recorded or voided", async () => {
    const held = new HeldClaims(new MemoryStorage());
    const voided: string[] = [];
    const { requests, send } = server(() => ({
      results: [
        { claimId: "c1", status: "recorded" },
        { claimId: "c2", status: "voided", reason: "limit" },
      ],
    }));
    const presenter = new ClaimPresenter(held, { send, onVoided: (id) => voided.push(id), random: () => 0 });
    held.keep(claim(1));
    presenter.soon();
    await vi.advanceTimersByTimeAsync(1_000);
    held.keep(claim(2));
    presenter.soon();
    expect(requests).toEqual([]);
    await vi.advanceTimersByTimeAsync(PRESENT_DELAY_MS);
    expect(requests).toEqual([{ at: 1_000_000 + PRESENT_DELAY_MS, signedClaims: ["signed.1", "signed.2"] }]);
    expect(held.all()).toEqual([]);
    expect(voided).toEqual(["c2"]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(requests).toHaveLength(1);
  });

  it("keeps the claims through network errors, 5xx and 429, backing off and obeying Retry-After", async () => {
    const held = new HeldClaims(new MemoryStorage());
    const { requests, send } = server(
      () => new ApiFailure(0, "network", "no network"),
      () => new ApiFailure(503, "unavailable", "down"),
      () => new ApiFailure(429, "rate_limited", "slow down", 30_000),
      recordAll,
    );
    const presenter = new ClaimPresenter(held, { send, random: () => 0 });
    held.keep(claim(1));
    await presenter.presentNow();
    expect(held.all()).toEqual([claim(1)]);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(requests.map((r) => r.at - 1_000_000)).toEqual([0, 3_000, 6_000]);
    expect(held.all()).toEqual([claim(1)]);
    // A new win does not cut the Retry-After short.
    held.keep(claim(2));
    presenter.soon();
    await presenter.presentNow();
    expect(requests).toHaveLength(3);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests.map((r) => r.at - 1_000_000)).toEqual([0, 3_000, 6_000, 36_000]);
    expect(requests[3].signedClaims).toEqual(["signed.1", "signed.2"]);
    expect(held.all()).toEqual([]);
  });

  it("keeps a claim the answer leaves out and backs off further each time", async () => {
    const held = new HeldClaims(new MemoryStorage());
    const { requests, send } = server(() => ({ results: [{ claimId: "c1", status: "recorded" }] }));
    const presenter = new ClaimPresenter(held, { send, random: () => 0 });
    held.keep(claim(1));
    held.keep(claim(2));
    await presenter.presentNow();
    expect(held.all()).toEqual([claim(2)]);
    await vi.advanceTimersByTimeAsync(300_000);
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i].at);
    expect(gaps.slice(0, 6)).toEqual([3_000, 3_000, 3_000, 4_000, 8_000, 16_000]);
    expect(Math.max(...gaps)).toBe(30_000);
    expect(held.all()).toEqual([claim(2)]);
  });

  it("sends nothing when nothing is held", async () => {
    const { requests, send } = server(recordAll);
    const presenter = new ClaimPresenter(new HeldClaims(new MemoryStorage()), { send });
    await presenter.presentNow();
    presenter.soon();
    await vi.advanceTimersByTimeAsync(60_000);
    expect(requests).toEqual([]);
  });
});
