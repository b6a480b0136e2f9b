/**
 * Edge-lease wins in a real browser against the worker in workerd: the page keeps each win's signed
 * claim in localStorage until the server has recorded it (through the open, or through
 * `POST /api/envelopes/present` when the page comes back), sends the gala's latest holdings
 * with every shake, and says kindly when a win was voided (a replayed, older holdings record).
 */
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import type { OpenRequest, OpenResponse, Phase, PresentRequest, PresentResponse, ShakeResponse, WonEnvelope } from "../../src/wire/index";
import { expectAccessible } from "./support/axe";
import { createPool, dismissWin, lotteryPhase, openBrowser, putShow, yuan, type Browser } from "./support/browser";
import { ARTIFACTS } from "./support/paths";

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

const HOLDINGS = "x-gala-holdings";

/**
 * A show whose live lottery phase is handed out from edge leases, every shake a candidate,
 * with a pool per sponsor (20 envelopes on each of the 4 shards; issuance pacing is off in the
 * browser suite). A fresh isolate's first shake falls back to the viewer's shard claim while
 * its first lease (the smallest, 8) is asked for, so a shard that lent it still has stock for
 * that claim; returns its gala id.
 */
async function leaseShow(phaseId: string, sponsorIds: string[]): Promise<string> {
  const now = Date.now();
  const phase: Phase = { ...lotteryPhase(phaseId, now - 60_000, now + 10 * 60_000, 1), sponsorIds, issuance: "edge-leases" };
  const { galaId } = await putShow([phase]);
  for (const sponsorId of sponsorIds) await createPool({ phaseId, sponsorId, budgetCents: 16_000, count: 80 });
  return galaId;
}

/** A fresh viewer on the live phase, with every present failing as a lost network would. */
async function openViewer(phaseTitle: string) {
  browser = await openBrowser({ serviceWorkers: "block" });
  const page = await browser.context.newPage();
  const presents = await failPresents(page);
  const shakes = watchShakes(page);
  await page.goto("/");
  await expect.poll(() => page.locator("#phase").textContent()).toBe(`Live now: ${phaseTitle}`);
  return { page, presents, shakes };
}

/** What the page keeps: its held claims and this gala's holdings. */
async function kept(page: Page, galaId: string) {
  return page.evaluate((gala) => {
    const claims = JSON.parse(localStorage.getItem("gs.claims") ?? "[]") as { claimId: string; galaId: string; signedClaim: string }[];
    return { claims, holdings: localStorage.getItem(`gs.holdings.${gala}`) };
  }, galaId);
}

/** Every shake the page sends: the holdings header it carried and the holdings its answer gave. */
function watchShakes(page: Page) {
  const sent: { sent: string | null; answered: string | null; done: boolean }[] = [];
  page.on("request", (request) => {
    if (!request.url().includes("/api/shake/")) return;
    const entry = { sent: null as string | null, answered: null as string | null, done: false };
    sent.push(entry);
    void (async () => {
      entry.sent = (await request.allHeaders())[HOLDINGS] ?? null;
      const answer = (await (await request.response())?.json()) as ShakeResponse;
      entry.answered = answer.kind === "envelope" ? (answer.holdings ?? null) : null;
      entry.done = true;
    })();
  });
  return sent;
}

/** Presses "Shake!" when the page allows it (a win on the screen is left for later); returns the server's answer. */
async function shake(page: Page): Promise<ShakeResponse> {
  await dismissWin(page);
  const button = page.getByRole("button", { name: "Shake!" });
  await expect.poll(() => button.getAttribute("aria-disabled"), { timeout: 20_000 }).toBeNull();
  const answer = page.waitForResponse((r) => r.url().includes("/api/shake/"));
  await button.click();
  return (await (await answer).json()) as ShakeResponse;
}

/** Shakes until an answer is an edge-lease win (a fresh isolate may first answer from the shard). */
async function winFromLease(page: Page): Promise<{ envelope: WonEnvelope; holdings: string }> {
  for (let i = 0; i < 6; i += 1) {
    const answer = await shake(page);
    if (answer.kind === "envelope") expect(answer.holdings).toEqual(expect.any(String));
    if (answer.kind === "envelope" && answer.envelope.signedClaim) return { envelope: answer.envelope, holdings: answer.holdings! };
  }
  throw new Error("no edge-lease win in 6 shakes");
}

/** Makes every present fail as a lost network would; returns how many were tried. */
async function failPresents(page: Page) {
  const tried = { count: 0 };
  await page.route("**/api/envelopes/present", (route) => {
    tried.count += 1;
    return route.abort("internetdisconnected");
  });
  return tried;
}

describe("edge-lease wins in the PWA", () => {
  it("keeps the signed claim through failed presents, hands it in with the open, and the wallet is credited", async () => {
    const galaId = await leaseShow("lease", ["aurora", "jade"]);
    const { page, presents, shakes } = await openViewer("Lottery lease");

    const { envelope, holdings } = await winFromLease(page);
    // Every shake carried the holdings of the latest win before it; the first carried none.
    await expect.poll(() => shakes.every((s) => s.done)).toBe(true);
    let latest: string | null = null;
    for (const s of shakes) {
      expect(s.sent).toBe(latest);
      latest = s.answered ?? latest;
    }
    expect(await kept(page, galaId)).toEqual({
      claims: [{ claimId: envelope.claimId, galaId, signedClaim: envelope.signedClaim }],
      holdings,
    });
    // The page tries to present it a few seconds after the win; the lost network keeps it held.
    await expect.poll(() => presents.count, { timeout: 20_000 }).toBeGreaterThan(0);
    expect((await kept(page, galaId)).claims.map((c) => c.claimId)).toEqual([envelope.claimId]);

    const open = page.waitForRequest((r) => r.url().endsWith(`/api/envelopes/${envelope.claimId}/open`));
    await page.getByRole("button", { name: "Open the envelope" }).click();
    expect((await open).postDataJSON() as OpenRequest).toEqual({ signedClaim: envelope.signedClaim });
    await expect.poll(() => page.locator("#win .note").textContent()).toBe("On its way to your wallet.");
    expect((await kept(page, galaId)).claims).toEqual([]);

    await page.getByRole("button", { name: "See it in my wallet" }).click();
    const entry = page.locator(`#wallet-entries li[data-entry-id="claim:${envelope.claimId}"]`);
    await expect.poll(() => entry.getAttribute("data-status"), { timeout: 30_000, interval: 500 }).toBe("settled");
    expect(await entry.textContent()).toContain(yuan(envelope.amountCents));

    // The next shake carries this gala's latest holdings.
    const next = shakes.length;
    await shake(page);
    await expect.poll(() => shakes[next]?.done).toBe(true);
    expect(shakes[next].sent).toBe(holdings);
  });

  it("presents a claim it kept while the page was closed, and the server records it for the wallet", async () => {
    const galaId = await leaseShow("reopen", ["aurora", "jade"]);
    const first = (await openViewer("Lottery reopen")).page;
    const { envelope } = await winFromLease(first);
    await first.close();

    const page = await browser!.context.newPage();
    const presented = page.waitForResponse((r) => r.url().endsWith("/api/envelopes/present"));
    await page.goto("/");
    const response = await presented;
    const request = response.request().postDataJSON() as PresentRequest;
    expect(request.signedClaims).toContain(envelope.signedClaim);
    expect(((await response.json()) as PresentResponse).results).toContainEqual({ claimId: envelope.claimId, status: "recorded" });
    await expect.poll(async () => (await kept(page, galaId)).claims).toEqual([]);

    // The server holds it: the wallet lists it on its way, and an open without the signed
    // claim (the page no longer has it) settles it.
    await page.getByRole("button", { name: "My wallet" }).click();
    const entry = page.locator(`#wallet-entries li[data-entry-id="claim:${envelope.claimId}"]`);
    await expect.poll(() => entry.getAttribute("data-status")).toBe("pending");
    const opened = await page.evaluate(async (claimId) => {
      const { token } = JSON.parse(localStorage.getItem("gs.session") ?? "{}") as { token: string };
      const res = await fetch(`/api/envelopes/${claimId}/open`, {
        method: "POST",
        headers: { Authorization: `Bearer ${token}`, "Content-Type": "application/json" },
        body: "{}",
      });
      return res.status;
    }, envelope.claimId);
    expect(opened).toBe(200);
    await expect.poll(() => entry.getAttribute("data-status"), { timeout: 30_000, interval: 500 }).toBe("settled");
    expect(await entry.textContent()).toContain(yuan(envelope.amountCents));
  });

  it("shows the envelope the open answers when the shake had already won on another isolate", async () => {
    // Two isolates answering one retried shake cannot happen on one test server (one isolate): the
    // server's answer for it (the shake's surviving envelope) is played by a route.
    const galaId = await leaseShow("survivor", ["aurora", "jade"]);
    const { page } = await openViewer("Lottery survivor");
    const { envelope } = await winFromLease(page);
    const survivor: OpenResponse = {
      envelope: { ...envelope, claimId: "survivor-claim", amountCents: envelope.amountCents + 1 },
      openedAt: Date.now(),
    };
    delete survivor.envelope.signedClaim;
    await page.route(`**/api/envelopes/${envelope.claimId}/open`, (route) => route.fulfill({ json: survivor }));
    await page.getByRole("button", { name: "Open the envelope" }).click();
    await expect.poll(() => page.locator("#win .note").textContent()).toBe("On its way to your wallet.");
    expect(await page.locator("#win .amount").textContent()).toBe(yuan(survivor.envelope.amountCents));
    expect((await kept(page, galaId)).claims).toEqual([]);
  });

  it("tells the viewer kindly when a win from a replayed, older holdings record is voided, and forgets it", async () => {
    const galaId = await leaseShow("replay", ["aurora"]);
    const { page } = await openViewer("Lottery replay");
    const won = await shake(page);
    expect(won.kind).toBe("envelope");

    // A cheating client forgets its holdings: the edge cannot see the envelope it already holds.
    await page.evaluate((gala) => localStorage.removeItem(`gs.holdings.${gala}`), galaId);
    const { envelope } = await winFromLease(page);
    expect(envelope.sponsorId).toBe("aurora");
    await page.getByRole("button", { name: "Open the envelope" }).click();
    const voided = page.getByRole("alertdialog", { name: "This envelope could not be yours after all" });
    await expect.poll(() => voided.isVisible()).toBe(true);
    expect(await voided.textContent()).toContain("Its money goes back to the pool for other viewers");
    expect((await kept(page, galaId)).claims.map((c) => c.claimId)).not.toContain(envelope.claimId);
    await page.screenshot({ path: `${ARTIFACTS}/viewer-voided.png`, fullPage: true });
    await expectAccessible(page, "voided");
  });
});
