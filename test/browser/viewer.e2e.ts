/**
 * The viewer in a real browser: a shake in a live lottery phase shows a sponsor's envelope
 * that opens to its amount; the network's loss is told at once; throttle hints and
 * Retry-After make the client wait; the countdown follows the server's clock to 250 ms, not
 * the phone's, and an operator's edit reaches an idle page within 10 s, both without a
 * Worker request per poll. axe-core checks each state the viewer passes through.
 */
import type { Page, Request } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import type { ShakeResponse } from "../../src/wire/index";
import { expectAccessible } from "./support/axe";
import { adminCall, createPool, lotteryPhase, openBrowser, putShow, yuan, type Browser } from "./support/browser";
import { ARTIFACTS } from "./support/paths";

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

/**
 * Grants motion access where the browser asks for it (iOS, recent Chromium), then sends
 * strong jolts every 100 ms: what the motion detector counts as shaking.
 */
/** The request id of a lean-wire shake, `POST /api/shake/<requestId>`. */
const shakeRequestId = (request: Request) => new URL(request.url()).pathname.split("/").pop() ?? "";

async function shakeDevice(page: Page, forMs: number) {
  const allow = page.getByRole("button", { name: "Allow shaking with motion" });
  if (await allow.isVisible()) {
    await allow.click();
    await expect.poll(() => allow.isHidden()).toBe(true);
  }
  await page.evaluate(async (ms) => {
    const end = performance.now() + ms;
    let flip = 1;
    while (performance.now() < end) {
      flip = -flip;
      window.dispatchEvent(
        new DeviceMotionEvent("devicemotion", { accelerationIncludingGravity: { x: 30 * flip, y: 5, z: 9.8 }, interval: 100 }),
      );
      await new Promise((r) => setTimeout(r, 100));
    }
  }, forMs);
}

describe("viewer", () => {
  it("signs in through the development identity provider and shakes as that person", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("signed", now - 60_000, now + 10 * 60_000)]);
    await createPool({ phaseId: "signed", sponsorId: "aurora", budgetCents: 2_000, count: 10 });
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await page.goto("/");
    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Sign in as Alice" }).click();
    await expect.poll(() => page.locator("#account").textContent()).toBe("Signed in as Alice");
    expect(page.url()).not.toContain("id_token");
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery signed");
    const session = await page.evaluate(() => JSON.parse(localStorage.getItem("gs.session") ?? "null") as { signedIn: boolean } | null);
    expect(session?.signedIn).toBe(true);
    const answer = page.waitForResponse((r) => new URL(r.url()).pathname.startsWith("/api/shake"));
    await page.getByRole("button", { name: "Shake!" }).click();
    expect(((await (await answer).json()) as ShakeResponse).kind).toBe("envelope");
  });

  it("shakes an envelope in a live lottery phase and opens it to reveal the amount", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("live", now - 60_000, now + 10 * 60_000)]);
    await createPool({ phaseId: "live", sponsorId: "aurora", budgetCents: 4_000, count: 20 });
    browser = await openBrowser();
    const page = await browser.context.newPage();
    await page.goto("/");
    await expect.poll(() => page.locator("#phase").textContent()).toBe("Live now: Lottery live");
    await expect.poll(() => page.locator("#resource-status").textContent(), { timeout: 20_000 }).toMatch(/100%/);
    await expectAccessible(page, "live");

    const answer = page.waitForResponse((r) => r.url().includes("/api/shake/"));
    await page.getByRole("button", { name: "Shake!" }).click();
    const shake = (await (await answer).json()) as ShakeResponse;
    expect(shake.kind).toBe("envelope");
    if (shake.kind !== "envelope") return;

    const result = page.locator("#result");
    await expect.poll(() => result.locator("h2").textContent()).toBe("A red envelope from Aurora Phones!");
    const logo = result.locator('img[data-asset-id="sponsor-aurora"]');
    await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
    await expectAccessible(page, "won");
    await page.getByRole("button", { name: "Open the envelope" }).click();
    await expect.poll(() => result.locator(".amount").textContent()).toBe(yuan(shake.envelope.amountCents));
    await page.waitForTimeout(700);
    await page.screenshot({ path: `${ARTIFACTS}/viewer-envelope.png`, fullPage: true });
    await expectAccessible(page, "opened");
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
    await shakeDevice(page, 7_500);
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
    await adminCall("PATCH", "/timeline/phases/edited", { expectedVersion: written.version, phase: { title: "Encore" } });
    const editedAt = Date.now();
    expect((await shown) - editedAt).toBeLessThan(10_000);
    expect(asked.filter((p) => p === "/api/timeline")).toEqual(["/api/timeline"]);
    expect(asked.filter((p) => p === "/api/dev-live/timeline.json").length).toBeGreaterThanOrEqual(3);
  });
});
