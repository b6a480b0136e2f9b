/**
 * The viewer in a real browser: signing in, the Turnstile widget where sessions need it; the
 * network's loss is told at once; throttle hints and Retry-After make the client wait; the
 * countdown follows the server's clock to 250 ms, not the phone's, and an operator's edit
 * reaches an idle page within 10 s, both without a Worker request per poll. axe-core checks
 * each state the viewer passes through. (The win itself: win.e2e.ts.)
 */
import { readFileSync } from "node:fs";
import type { Page, Request } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import type { SessionRequest, ShakeResponse } from "../../src/wire/index";
import { expectAccessible } from "./support/axe";
import { admin, createPool, lotteryPhase, openBrowser, putShow, type Browser } from "./support/browser";
import { expectHeaderAligned } from "./support/layout";
import { ARTIFACTS } from "./support/paths";
import { EN } from "../../static-assets/js/strings/en.js";
import { TURNSTILE_SCRIPT } from "../../static-assets/js/turnstile.js";

/** The stand-in for Turnstile's script (test/browser/support/turnstile-stand-in.js) and what it records. */
const TURNSTILE_STAND_IN = readFileSync("test/browser/support/turnstile-stand-in.js", "utf8");
interface TurnstileControl {
  renders: Record<string, unknown>[];
  issued: string[];
  events: string[];
}

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

/** The request id of a lean-wire shake, `POST /api/shake/<requestId>`. */
const shakeRequestId = (request: Request) => new URL(request.url()).pathname.split("/").pop() ?? "";

/**
 * Grants motion access where the browser asks for it (iOS, recent Chromium), then sends
 * strong jolts every 100 ms (what the motion detector counts as shaking) for `forMs`, or until
 * `enough()` holds, whichever comes first.
 */
async function shakeDevice(page: Page, forMs: number, enough: () => boolean = () => false) {
  const allow = page.getByRole("button", { name: "Allow shaking with motion" });
  if (await allow.isVisible()) {
    await allow.click();
    await expect.poll(() => allow.isHidden()).toBe(true);
  }
  const end = Date.now() + forMs;
  let flip = 1;
  while (Date.now() < end && !enough()) {
    flip = await page.evaluate(
      async ([ms, from]) => {
        const stop = performance.now() + ms;
        let side = from;
        while (performance.now() < stop) {
          side = -side;
          window.dispatchEvent(
            new DeviceMotionEvent("devicemotion", { accelerationIncludingGravity: { x: 30 * side, y: 5, z: 9.8 }, interval: 100 }),
          );
          await new Promise((r) => setTimeout(r, 100));
        }
        return side;
      },
      [Math.min(500, end - Date.now()), flip] as const,
    );
  }
}

describe("viewer", () => {
  it("signs in through the development identity provider's code flow and shakes as that person; a foreign token signs nobody in", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("signed", now - 60_000, now + 10 * 60_000)]);
    await createPool({ phaseId: "signed", sponsorId: "aurora", budgetCents: 2_000, count: 10 });
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    // An ID token this tab never asked for (another state) leaves the address bar and signs nobody in.
    await page.goto("/#state=forged&id_token=eyJhbGciOiJFUzI1NiJ9.e30.sig&iss=x");
    await expect.poll(() => page.url()).not.toContain("id_token");
    await expect.poll(() => page.locator("#account a").textContent(), { timeout: 10_000 }).toBe("Sign in");
    await page.getByRole("link", { name: "Sign in" }).click();
    // The provider answers with a redirect back to the viewer: wait for that page to load.
    const back = page.waitForEvent("load");
    await page.getByRole("button", { name: "Sign in as Alice" }).click();
    await back;
    // The code flow costs a call to the provider's token endpoint: give it the time a busy machine needs.
    await expect.poll(() => page.locator("#account").textContent(), { timeout: 10_000 }).toBe("Signed in as Alice");
    await expectHeaderAligned(page);
    // The code flow's answer (?code=…&state=…&iss=…) left the address bar and its history entry.
    expect(new URL(page.url()).search).toBe("");
    expect(page.url()).not.toMatch(/code=|state=|id_token/);
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery signed");
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem("gs.session") ?? "null") as { signedIn: boolean } | null);
    expect(session?.signedIn).toBe(true);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith("/api/shake"));
    await page.getByRole("button", { name: "Shake!" }).click();
    expect(((await (await answer).json()) as ShakeResponse).kind).toBe("envelope");
  });

  it("in Turnstile mode renders the widget before the first session, sends a fresh token with each session, and rides out a failure and an expiry", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("challenge", now - 60_000, now + 10 * 60_000, 0)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const { context } = browser;
    // The deployment asks for a challenge (this server allows plain anonymous sessions; its
    // check of the token is tested in test/identity/sessions.test.ts), and the widget is the
    // local stand-in: the first challenge fails, every token expires after 1.5 s unless used.
    await context.addInitScript(
      () => void ((window as unknown as { __turnstile: object }).__turnstile = { failures: 1, expireAfterMs: 1_500 }),
    );
    const scripts: string[] = [];
    await context.route(`${TURNSTILE_SCRIPT}*`, (route) => {
      scripts.push(route.request().url());
      return route.fulfill({ contentType: "text/javascript", body: TURNSTILE_STAND_IN });
    });
    await context.route("**/api/identity", async (route) => {
      const real = await route.fetch();
      return route.fulfill({
        response: real,
        json: { ...(await real.json()), anonymousSessions: "turnstile", turnstileSiteKey: "stand-in-site-key" },
      });
    });
    const page = await context.newPage();
    const sessions: SessionRequest[] = [];
    page.on("request", (r) => void (r.url().endsWith("/api/session") && sessions.push(r.postDataJSON() as SessionRequest)));
    const widget = () => page.evaluate(() => (window as unknown as { __turnstile: TurnstileControl }).__turnstile);
    await page.goto("/");

    // The failed challenge is told, then run again; its token makes the first session.
    const status = page.locator("#challenge-status");
    await expect.poll(() => status.textContent(), { timeout: 5_000 }).toBe(EN.challengeFailed);
    await expectAccessible(page, "bot challenge failed");
    await expect.poll(() => sessions.length, { timeout: 10_000 }).toBe(1);
    expect(sessions[0].turnstileToken).toBe("stand-in-token-1");
    expect(scripts).toHaveLength(1);
    expect(new URL(scripts[0]).searchParams.get("render")).toBe("explicit");
    const { renders, events } = await widget();
    expect(renders).toEqual([
      expect.objectContaining({ sitekey: "stand-in-site-key", execution: "render", appearance: "interaction-only", language: "en" }),
    ]);
    expect(events.slice(0, 3)).toEqual(["render", "error", "reset"]);

    // A token kept for the next session expires unused; the next session gets a fresh one.
    await expect.poll(async () => (await widget()).events, { timeout: 10_000 }).toContain("expired:stand-in-token-2");
    await page.evaluate(() => localStorage.setItem("gs.session", JSON.stringify({ token: "revoked", expiresAt: Date.now() + 3_600_000 })));
    await page.getByRole("button", { name: "Shake!" }).click();
    await expect.poll(() => sessions.length, { timeout: 10_000 }).toBe(2);
    const used = sessions[1].turnstileToken ?? "";
    const after = await widget();
    expect(["stand-in-token-1", "stand-in-token-2"]).not.toContain(used);
    expect(after.issued).toContain(used);
    expect(after.events.indexOf(`token:${used}`)).toBeGreaterThan(after.events.indexOf("expired:stand-in-token-2"));
    await expect.poll(() => page.locator("#result").textContent()).toContain(EN.greetingText);
  });

  it("says it is offline as soon as the browser knows, before any shake, and clears it when the network returns", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("offline", now - 60_000, now + 10 * 60_000)]);
    browser = await openBrowser();
    const page = await browser.context.newPage();
    let shakes = 0;
    page.on("request", (r) => void (r.url().includes("/api/shake") && (shakes += 1)));
    await page.goto("/");
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery offline");
    await expect.poll(() => page.locator("#resource-status").textContent(), { timeout: 20_000 }).toMatch(/100%/);
    const notice = page.getByRole("status").filter({ hasText: "You are offline" });
    expect(await notice.count()).toBe(0);

    await browser.context.setOffline(true);
    await expect.poll(() => notice.isVisible(), { timeout: 1_000 }).toBe(true);
    expect(shakes).toBe(0);
    // Reopened without a network, the shell from the service worker says so from the start.
    await page.reload();
    await expect.poll(() => page.locator("#countdown").textContent(), { timeout: 10_000 }).toMatch(/^ends in \d\d:\d\d$/);
    expect(await notice.isVisible()).toBe(true);
    await page.screenshot({ path: `${ARTIFACTS}/viewer-offline.png` });
    await expectAccessible(page, "offline");

    await browser.context.setOffline(false);
    await expect.poll(() => notice.count(), { timeout: 1_000 }).toBe(0);
    expect(shakes).toBe(0);
  });

  it("waits at least the hinted interval and Retry-After before shaking again", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("paced", now - 60_000, now + 10 * 60_000, 0)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    const sentAt: number[] = [];
    const answers = [
      { status: 200, minIntervalMs: 2_000 },
      { status: 429, retryAfter: "2" },
      { status: 200, minIntervalMs: 200 },
    ];
    await page.route("**/api/shake/*", async (route) => {
      const requestId = shakeRequestId(route.request());
      sentAt.push(Date.now());
      const next = answers[Math.min(sentAt.length, answers.length) - 1];
      if (next.status === 429) {
        return route.fulfill({
          status: 429,
          headers: { "Retry-After": next.retryAfter! },
          json: { error: { code: "rate_limited", message: "slow down" } },
        });
      }
      const body: ShakeResponse = {
        kind: "greeting",
        phaseId: "paced",
        assetId: "greeting-opening",
        requestId,
        serverTime: Date.now(),
        throttle: { level: 3, minIntervalMs: next.minIntervalMs! },
      };
      return route.fulfill({ json: body });
    });
    await page.goto("/");
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery paced");
    // Shaking goes on until the third shake is sent (at 2 s and 4 s at the earliest), or 10 s.
    await shakeDevice(page, 10_000, () => sentAt.length >= 3);
    expect(sentAt.length).toBeGreaterThanOrEqual(3);
    expect(sentAt[1] - sentAt[0]).toBeGreaterThanOrEqual(2_000);
    expect(sentAt[2] - sentAt[1]).toBeGreaterThanOrEqual(2_000);
  });

  it("backs off exponentially while shakes fail and reuses the request id", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("failing", now - 60_000, now + 10 * 60_000, 0)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    const sent: { at: number; request: Request }[] = [];
    await page.route("**/api/shake/*", (route) => {
      sent.push({ at: Date.now(), request: route.request() });
      return route.fulfill({ status: 503, json: { error: { code: "unavailable", message: "down" } } });
    });
    await page.goto("/");
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery failing");
    await shakeDevice(page, 4_500);
    // 1 s then 2 s ceilings with equal jitter: gaps of at least 0.5 s and 1 s.
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent.length).toBeLessThanOrEqual(4);
    expect(sent[1].at - sent[0].at).toBeGreaterThanOrEqual(500);
    if (sent.length > 2) expect(sent[2].at - sent[1].at).toBeGreaterThanOrEqual(1_000);
    const ids = new Set(sent.map((s) => shakeRequestId(s.request)));
    expect(ids.size).toBe(1);
    await expect.poll(() => page.locator("#result").textContent()).toContain("retry more slowly");
  });

  it("counts down within 250 ms of the server's clock, its phone minutes off, without a clock request", async () => {
    // The phone's clock is 7 min 13.437 s behind; the first timeline answer takes 1.5 s, so
    // only the polls' Date headers, timed to the server's second boundaries, can get the
    // countdown within 250 ms. The phase starts on a fraction of a second, too.
    const skewMs = -(7 * 60_000 + 13_437);
    const startsAt = Date.now() + 75_000 + 321;
    await putShow([lotteryPhase("skewed", startsAt, startsAt + 10 * 60_000)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await page.addInitScript((skew) => {
      const realNow = Date.now.bind(Date);
      Object.defineProperty(window, "realNow", { value: realNow });
      Date.now = () => realNow() + skew;
    }, skewMs);
    const asked: string[] = [];
    page.on("request", (r) => asked.push(new URL(r.url()).pathname));
    let livePolls = 0;
    page.on("response", (r) => void (new URL(r.url()).pathname === "/api/dev-live/timeline.json" && (livePolls += 1)));
    await page.route("**/api/timeline", async (route) => {
      await new Promise((r) => setTimeout(r, 1_500));
      await route.continue();
    });
    await page.goto("/");
    await expect.poll(() => page.locator("#phase").textContent(), { timeout: 15_000 }).toBe("Next: Lottery skewed");
    await expect.poll(() => livePolls, { timeout: 20_000 }).toBeGreaterThanOrEqual(6);

    // Each time the shown second turns, the real time it turned at against the moment it
    // should on the server's clock. A turn shows up late when the page's timer fires late (a
    // busy machine), never early, so the most punctual of several turns bounds the clock's
    // error: it turned at most 250 ms away.
    const flips = await page.evaluate(async () => {
      const seen: { text: string; at: number }[] = [];
      const countdown = document.getElementById("countdown")!;
      const realNow = (window as unknown as { realNow: () => number }).realNow;
      const observer = new MutationObserver(() => seen.push({ text: countdown.textContent ?? "", at: realNow() }));
      observer.observe(countdown, { childList: true, characterData: true, subtree: true });
      await new Promise((r) => setTimeout(r, 4_600));
      observer.disconnect();
      return seen;
    });
    const turns = flips
      .filter((f, i) => i === 0 || f.text !== flips[i - 1].text)
      .map(({ text, at }) => {
        const [, mm, ss] = /^starts in (\d\d):(\d\d)$/.exec(text)!;
        return { text, lateMs: at - (startsAt - (Number(mm) * 60 + Number(ss)) * 1_000) };
      });
    expect(turns.length).toBeGreaterThanOrEqual(4);
    const punctual = Math.min(...turns.map((t) => t.lateMs));
    expect(Math.abs(punctual), JSON.stringify(turns)).toBeLessThanOrEqual(250);
    expect(asked.filter((p) => p === "/api/time")).toEqual([]);
    expect(asked.filter((p) => p === "/api/timeline")).toEqual(["/api/timeline"]);

    // Between phases a shake is answered "rest" with the same countdown.
    await page.getByRole("button", { name: "Shake!" }).click();
    await expect.poll(() => page.locator("#result h2").textContent()).toBe("Rest a moment");
    const restCountdown = await page.locator("#result [data-countdown-to]").textContent();
    const [, mm, ss] = /^(\d\d):(\d\d)$/.exec(restCountdown ?? "")!;
    expect(Math.abs((Number(mm) * 60 + Number(ss)) * 1_000 - (startsAt - Date.now()))).toBeLessThan(2_000);
    await expectAccessible(page, "rest");
  });

  it("shows an operator's edit within 10 s from the published copy, with no Worker request per poll", async () => {
    const now = Date.now();
    const written = await putShow([lotteryPhase("edited", now - 60_000, now + 10 * 60_000)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    const asked: string[] = [];
    page.on("request", (r) => asked.push(new URL(r.url()).pathname));
    await page.goto("/");
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery edited");
    await page.waitForTimeout(2_500);

    // The page notes when it first shows the new title; the test measures from the edit's answer.
    const shown = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const phase = document.getElementById("phase")!;
          new MutationObserver(() => phase.textContent === "Live now: Encore" && resolve(Date.now())).observe(phase, {
            childList: true,
            characterData: true,
            subtree: true,
          });
        }),
    );
    expect((await admin("PATCH", "/timeline/phases/edited", { expectedVersion: written.version, phase: { title: "Encore" } })).status).toBe(
      200,
    );
    const editedAt = Date.now();
    expect((await shown) - editedAt).toBeLessThan(10_000);
    // The Worker was asked for the timeline once, at the opening; the edit came from the published copy.
    expect(asked.filter((p) => p === "/api/timeline")).toEqual(["/api/timeline"]);
    expect(asked.filter((p) => p === "/api/dev-live/timeline.json").length).toBeGreaterThanOrEqual(1);
  });
});
