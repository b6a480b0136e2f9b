/**
 * The operator console in a real browser: sign in with the admin secret, edit a phase and
 * watch a viewer page follow, switch a phase to edge leases, see the alerts panel, see a
 * version conflict clearly, start a phase now, create a pool, see the night's estimated bill
 * beside the capacity plan for an audience, and run the audit; see which live pools are paced
 * and how far from their plan, and the timeline's warnings for its expected audience.
 */
import { afterEach, describe, expect, it } from "vitest";
import { expectAccessible } from "./support/axe";
import { admin, apiViewer, audit, createPool, getTimeline, lotteryPhase, openBrowser, putShow, type Browser } from "./support/browser";
import { ADMIN_SECRET, ARTIFACTS } from "./support/paths";
import type { Locator, Page } from "playwright-core";
import type { AuditReport, CostEstimate, ShakeResponse, ShardPhaseStats, StatsReport } from "../../src/wire/index";

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

/** Envelopes not yet settled, once no settlement is in flight (only never-opened claims remain). */
async function quietBacklog(): Promise<number> {
  let report: AuditReport;
  await expect
    .poll(
      async () => {
        report = await audit(0);
        return report.settlement.stuck.filter((c) => c.enqueuedAt !== null).length;
      },
      { timeout: 20_000 },
    )
    .toBe(0);
  return report!.settlement.pools.reduce((sum, p) => sum + p.pendingCount, 0);
}

async function signIn(page: Page) {
  await page.setViewportSize({ width: 1280, height: 900 });
  await page.goto("/admin");
  await expectAccessible(page, "console sign-in");
  await page.getByLabel("Admin secret").fill(ADMIN_SECRET);
  await page.getByRole("button", { name: "Open the console" }).click();
  await expect.poll(() => page.locator("#timeline-status").textContent()).toMatch(/Editing version \d+/);
}

/** Live statistics of one live phase over `count` shards; shard 3 is empty, the others differ. */
function statsOverShards(count: number): StatsReport {
  const shards: ShardPhaseStats[] = Array.from({ length: count }, (_, shard) => ({
    shard,
    shakesSeen: 0,
    candidates: 0,
    envelopesIssued: 0,
    issuedCents: 0,
    remainingCount: shard === 3 ? 0 : 1 + (shard % 7),
    remainingCents: shard === 3 ? 0 : 1_000 + ((shard * 7_919) % 90_000),
    shakeRate: 0,
  }));
  const sum = (key: keyof ShardPhaseStats) => shards.reduce((total, s) => total + s[key], 0);
  const totals = {
    shakesSeen: 0,
    candidates: 0,
    envelopesIssued: 0,
    issuedCents: 0,
    shakeRate: 0,
    remainingCount: sum("remainingCount"),
    remainingCents: sum("remainingCents"),
  };
  const now = Date.now();
  return {
    galaId: "chart-gala",
    version: 1,
    serverTime: now,
    issuancePacing: true,
    phases: [
      {
        phaseId: "wide",
        title: "Wide",
        kind: "lottery",
        startsAt: now - 60_000,
        endsAt: now + 60_000,
        state: "live",
        unfunded: false,
        totals,
        shards,
        pools: [],
      },
    ],
  };
}

/** Labels of an SVG chart that overlap one another or stick out of the chart. */
function misplacedLabels(chart: Locator): Promise<string[]> {
  return chart.evaluate((svg) => {
    const frame = svg.getBoundingClientRect();
    const labels = Array.from(svg.querySelectorAll("text"), (t) => ({ text: t.textContent, box: t.getBoundingClientRect() }));
    const problems: string[] = [];
    labels.forEach(({ text, box }, i) => {
      if (box.left < frame.left || box.right > frame.right || box.top < frame.top || box.bottom > frame.bottom)
        problems.push(`"${text}" outside the chart`);
      for (const other of labels.slice(i + 1)) {
        const apart =
          box.right <= other.box.left || other.box.right <= box.left || box.bottom <= other.box.top || other.box.bottom <= box.top;
        if (!apart) problems.push(`"${text}" over "${other.text}"`);
      }
    });
    return problems;
  });
}

describe("operator console", () => {
  it("asks who the operator is before any admin call, signs an operator in through the Access stand-in and shows the admin log", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("logged", now + 60_000, now + 120_000)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: 1280, height: 900 });
    // Signed out, the console asks who the operator is and calls no admin route: nothing in the browser's console.
    const errors: string[] = [];
    const adminCalls: string[] = [];
    page.on("console", (message) => {
      if (message.type() === "error") errors.push(message.text());
    });
    page.on("request", (request) => {
      if (new URL(request.url()).pathname.startsWith("/api/admin/")) adminCalls.push(request.url());
    });
    const asked = page.waitForResponse((r) => new URL(r.url()).pathname === "/api/operator");
    await page.goto("/admin");
    expect((await asked).status()).toBe(200);
    await expect.poll(() => page.getByLabel("Admin secret").isVisible(), { timeout: 10_000 }).toBe(true);
    expect(await page.locator("#sign-in-error").textContent()).toBe("");
    expect({ errors, adminCalls }).toEqual({ errors: [], adminCalls: [] });
    await page.getByRole("link", { name: "the development sign-in" }).click();
    await page.getByRole("button", { name: "Sign in to the console as ada@ops.example" }).click();
    await page.waitForURL(/\/admin$/);
    // The console loads its modules, the clock and the timeline after the redirect: on a busy machine that takes seconds.
    await expect.poll(() => page.locator("#timeline-status").textContent(), { timeout: 15_000 }).toMatch(/Editing version \d+/);
    await page.getByRole("button", { name: "Show the latest changes" }).click();
    await expect.poll(() => page.locator("#admin-log caption").textContent(), { timeout: 10_000 }).toMatch(/^The last \d+ changes$/);
    expect(await page.locator("#admin-log tbody tr").first().textContent()).toContain("break-glass:admin-secret");
  });

  it("edits a live phase and the viewer page follows", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("show", now - 60_000, now + 10 * 60_000), lotteryPhase("later", now + 20 * 60_000, now + 30 * 60_000)]);
    await createPool({ phaseId: "show", sponsorId: "aurora", budgetCents: 2_000, count: 10 });
    const before = await quietBacklog();
    const winners = await Promise.all([apiViewer(), apiViewer()]);
    const claims = await Promise.all(
      winners.map(async (w) => {
        const shake = await w.call<ShakeResponse>("POST", `/api/shake/console-${w.userId}`);
        if (shake.kind !== "envelope") throw new Error(`expected an envelope, got ${shake.kind}`);
        return shake.envelope.claimId;
      }),
    );
    browser = await openBrowser();
    const viewer = await browser.context.newPage();
    await viewer.goto("/");
    await expect.poll(() => viewer.locator("#phase").textContent()).toBe("Live now: Lottery show");

    const console = await browser.context.newPage();
    await signIn(console);
    expect(await console.content()).not.toContain(ADMIN_SECRET);
    // The panel asks again every 15 s: a first answer that caught a moment's alert (money in
    // motion from the tests before) is followed by the next one within this wait.
    await expect.poll(() => console.locator("#alerts li").first().textContent(), { timeout: 20_000 }).toBe("No alerts.");
    const backlog = console.locator("#backlog-figures");
    await expect
      .poll(() => backlog.textContent())
      .toMatch(new RegExp(`^Settlement backlog: ${before + 2} envelopes .* stuck for more than 5 min: 0$`));
    await winners[0].call("POST", `/api/envelopes/${claims[0]}/open`, {});
    await expect
      .poll(() => backlog.textContent(), { timeout: 20_000 })
      .toMatch(new RegExp(`^Settlement backlog: ${before + 1} envelopes? `));
    expect(await console.locator("#chart-backlog polyline").count()).toBe(1);
    await console.getByLabel("Title of Lottery show").fill("Lucky draw");
    await console.getByLabel("Title of Lottery show").press("Tab");
    await console.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => console.locator("#timeline-status").textContent()).toMatch(/Saved: now version/);
    await expect.poll(() => viewer.locator("#phase").textContent(), { timeout: 15_000 }).toBe("Live now: Lucky draw");

    // A lottery phase starts only with pools: create one in the form (with a share budget).
    await console.locator("#pool-phase").selectOption("later");
    await console.getByLabel("Budget (¥)").fill("50.00");
    await console.getByLabel("Envelopes", { exact: true }).fill("20");
    await console.getByLabel("Share budget per winner (¥, optional)").fill("8.88");
    await console.getByLabel("Shares per winner (with a share budget)").fill("5");
    await console.getByRole("button", { name: "Create pool" }).click();
    await expect
      .poll(() => console.locator("#pool-result").textContent())
      .toMatch(/Created pool-.*20 envelopes, ¥50\.00; each winner may share ¥8\.88 in 5 shares/);

    // Starting a phase while another is live is refused by the server, and said so.
    await console.getByRole("button", { name: "Start now: Lottery later" }).click();
    await expect.poll(() => console.getByRole("alert").textContent()).toMatch(/^Not saved: /);
    await console.getByRole("button", { name: "Stop now: Lucky draw" }).click();
    await expect.poll(() => console.locator("#timeline-status").textContent()).toMatch(/^Stopped Lucky draw: now version \d+/);
    await console.getByRole("button", { name: "Start now: Lottery later" }).click();
    await expect.poll(() => console.locator("#timeline-status").textContent()).toMatch(/^Started Lottery later: now version \d+/);
    await expect.poll(() => viewer.locator("#phase").textContent(), { timeout: 15_000 }).toBe("Live now: Lottery later");
    const timeline = await getTimeline();
    const show = timeline.phases.find((p) => p.id === "show")!;
    const later = timeline.phases.find((p) => p.id === "later")!;
    expect(show.endsAt).toBeLessThanOrEqual(later.startsAt);
    expect(later.startsAt).toBeLessThanOrEqual(Date.now());
    expect(later.endsAt).toBe(now + 30 * 60_000);

    // Live statistics: per phase from the shards, remaining per shard of the live phase.
    const showRow = console.locator("#dashboard-phases tr", { hasText: "Lucky draw" });
    await expect.poll(() => showRow.locator("td").nth(1).textContent(), { timeout: 10_000 }).toBe("closed");
    expect(await showRow.locator("td").nth(4).textContent()).toMatch(/^2 \(¥\d+\.\d\d\)$/);
    await expect.poll(() => console.locator("#chart-shards rect").count()).toBe(4);
    expect(await console.locator("#chart-shakes polyline").count()).toBe(1);
    // The night's estimated bill beside the capacity plan, for the saved show and the audience entered.
    const estimateTitle = console.locator("#estimate .estimate-bill h3");
    await expect.poll(() => estimateTitle.textContent()).toMatch(/^Estimated bill: [\d,]+\.\d\d USD$/);
    const small = await estimateTitle.textContent();
    await console.getByLabel("Audience (phones)").fill("200000000");
    await console.getByRole("button", { name: "Estimate" }).click();
    await expect.poll(() => estimateTitle.textContent()).not.toBe(small);
    const expected = (await (await admin("GET", "/estimate?viewers=200000000")).json()) as CostEstimate;
    const usd = expected.bill.totalUsd.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(await estimateTitle.textContent()).toBe(`Estimated bill: ${usd} USD`);
    expect(expected.bill.totalUsd).toBeGreaterThan(Number(small!.replace(/[^\d.]/g, "")));
    const shards = console.locator("#estimate tr", { hasText: "Pool shards" }).locator("td");
    // Thirty envelopes over the night need one shard, whatever the audience: the 4 configured are plenty.
    expect([await shards.nth(1).textContent(), await shards.nth(2).textContent()]).toEqual(["1", "4"]);
    expect(await console.locator("#estimate .alert").count()).toBe(0);
    await console.getByRole("button", { name: "Run the audit" }).click();
    await expect.poll(() => console.locator("#audit-result .badge").textContent()).toBe("PASS");
    expect(await console.locator("#audit-result .reconcile").textContent()).toMatch(/: PASS · \d+ moves, 0 failing/);
    // The sponsor's statement, reconciled to the cent, prints alone.
    await console.locator("#statement-sponsor").selectOption("aurora");
    await console.getByRole("button", { name: "Show the statement" }).click();
    await expect.poll(() => console.locator("#statement .badge").textContent()).toBe("RECONCILED to the cent");
    expect(await console.locator("#statement tr", { hasText: "Lucky draw" }).count()).toBe(1);
    await console.evaluate(() => document.body.classList.add("print-statement"));
    await console.emulateMedia({ media: "print" });
    expect([await console.locator("#estimate-title").isVisible(), await console.locator("#statement .badge").isVisible()]).toEqual([
      false,
      true,
    ]);
    await console.emulateMedia({ media: "screen" });
    await console.evaluate(() => document.body.classList.remove("print-statement"));
    await expect.poll(() => console.locator("#chart-remaining rect").count()).toBeGreaterThan(0);
    await console.screenshot({ path: `${ARTIFACTS}/console.png`, fullPage: true });
    await expectAccessible(console, "console with dashboard, pool and audit");
    await console.setViewportSize({ width: 420, height: 860 });
    await expectAccessible(console, "console at phone width");
    await viewer.screenshot({ path: `${ARTIFACTS}/viewer-live.png` });
  });

  it("draws remaining per shard with no two labels overlapping at 16 and at 128 shards", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("chart", now - 60_000, now + 10 * 60_000)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await signIn(page);
    const chart = page.locator("#chart-shards");
    for (const count of [16, 128]) {
      await page.route("**/api/admin/stats", (route) => route.fulfill({ json: statsOverShards(count) }));
      await expect.poll(() => chart.locator("rect").count(), { timeout: 10_000 }).toBe(count);
      expect(await misplacedLabels(chart)).toEqual([]);
      // Every shard keeps its column and figure; the axis names shards from 0 in even steps.
      expect(await chart.locator("rect title").nth(3).textContent()).toBe("shard 3: ¥0.00 in 0 envelopes");
      expect(await chart.locator("text", { hasText: "lowest" }).textContent()).toBe("lowest: shard 3 · ¥0.00 in 0 envelopes");
      const axis = (await chart.locator('text[text-anchor="middle"]').allTextContents()).map(Number);
      expect(axis.length).toBeGreaterThanOrEqual(8);
      expect(axis).toEqual(axis.map((_, i) => i * axis[1]));
      await chart.screenshot({ path: `${ARTIFACTS}/console-shards-${count}.png` });
      await page.unroute("**/api/admin/stats");
    }
  });

  it("switches a phase from shard claims to edge leases", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("switch", now + 60 * 60_000, now + 70 * 60_000)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await signIn(page);
    const issuance = page.getByLabel("Issuance of Lottery switch");
    expect(await issuance.inputValue()).toBe("shard");
    await issuance.selectOption({ label: "edge leases" });
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.locator("#timeline-status").textContent()).toMatch(/^Saved/);
    const timeline = await getTimeline();
    expect(timeline.phases[0].issuance).toBe("edge-leases");
    await page.getByRole("button", { name: "Reload from server" }).click();
    await expect.poll(() => issuance.inputValue()).toBe("edge-leases");
  });

  it("shows a version conflict and overwrites nothing", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("contested", now - 60_000, now + 10 * 60_000)]);
    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await signIn(page);
    const other = await putShow([{ ...lotteryPhase("contested", now - 60_000, now + 10 * 60_000), title: "Changed elsewhere" }]);
    await page.getByLabel("Title of Lottery contested").fill("My edit");
    await page.getByLabel("Title of Lottery contested").press("Tab");
    await page.getByRole("button", { name: "Save changes" }).click();
    const alert = page.getByRole("alert").filter({ hasText: "Version conflict" });
    await expect.poll(() => alert.textContent()).toContain(`timeline is at version ${other.version}`);
    await page.screenshot({ path: `${ARTIFACTS}/console-conflict.png` });
    await expectAccessible(page, "console version conflict");
    const timeline = await getTimeline();
    expect(timeline.phases[0].title).toBe("Changed elsewhere");
    await page.getByRole("button", { name: "Reload from server" }).click();
    await expect.poll(() => page.getByLabel("Title of Changed elsewhere").inputValue()).toBe("Changed elsewhere");
  });

  it("shows the live pools against their plan and which are paced, and warns where the audience cannot take a phase's plan", async () => {
    const now = Date.now();
    const shown = await putShow([
      lotteryPhase("pool-pace", now - 60_000, now + 10 * 60_000),
      lotteryPhase("warned", now + 20 * 60_000, now + 30 * 60_000),
    ]);
    await createPool({ phaseId: "pool-pace", sponsorId: "aurora", budgetCents: 4_000, count: 40 });
    await createPool({ phaseId: "warned", sponsorId: "aurora", budgetCents: 3_000, count: 30 });
    const { version, ...doc } = shown;
    await admin("PUT", "/timeline", { expectedVersion: version, timeline: { ...doc, audience: 50 } });
    const winner = await apiViewer();
    expect((await winner.call<ShakeResponse>("POST", `/api/shake/pool-pace-${winner.userId}`)).kind).toBe("envelope");

    browser = await openBrowser({ serviceWorkers: "block" });
    const page = await browser.context.newPage();
    await signIn(page);
    // 40 aurora envelopes in the live phase leave 10 of the 50 phones for the later phase's 30.
    const warnings = page.getByRole("list", { name: "Timeline warnings" }).locator("li");
    await expect
      .poll(() => warnings.allTextContents())
      .toEqual([
        'Warning: lottery phase "warned" plans 30 envelopes of sponsor "aurora" but only 10 of the 50 expected viewers can still take one ' +
          "(1 per sponsor per person, 40 planned earlier): at least 20 cannot be won in it",
      ]);
    expect(await page.getByLabel("Expected viewers at the show (phones)").inputValue()).toBe("50");
    await page.getByLabel("Expected viewers at the show (phones)").fill("70");
    await page.getByLabel("Expected viewers at the show (phones)").press("Tab");
    await page.getByRole("button", { name: "Save changes" }).click();
    await expect.poll(() => page.locator("#timeline-status").textContent()).toMatch(/^Saved/);
    expect(await page.locator(".timeline-warnings-none").textContent()).toBe("No warnings about this timeline.");
    expect((await getTimeline()).audience).toBe(70);

    // The live pool against its plan, from the shards (this suite runs with pacing off).
    const row = page.locator("#dashboard-phases .pool-paces tbody tr");
    await expect.poll(() => row.count(), { timeout: 10_000 }).toBe(1);
    const cells = await row.locator("td").allTextContents();
    expect(cells.slice(0, 3)).toEqual(["Lottery pool-pace", "aurora", "1 of 40"]);
    expect(cells[4]).toMatch(/^(\d+ (ahead|behind)|on plan)$/);
    expect(cells[5]).toBe("pacing off");
    // With pacing on, shards at the pool's allowance show as holding it back.
    const real = (await (await admin("GET", "/stats")).json()) as StatsReport;
    const pacedStats: StatsReport = {
      ...real,
      issuancePacing: true,
      phases: real.phases.map((p) => ({ ...p, pools: p.pools.map((pool) => ({ ...pool, pacedShards: 2 })) })),
    };
    await page.route("**/api/admin/stats", (route) => route.fulfill({ json: pacedStats }));
    await expect.poll(() => row.locator("td").nth(5).textContent(), { timeout: 10_000 }).toBe("paced: held back on 2 shards");
    expect(await page.locator("#dashboard-phases .pool-paces caption").textContent()).toMatch(
      /^Pools against their plan: 1 of 1 paced now/,
    );
    await expectAccessible(page, "console with paced pools and timeline warnings");
  });
});
