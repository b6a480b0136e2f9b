/**
 * Money after the shake, in a real browser: a won envelope waits in the wallet as "on its
 * way", opening it settles it through the real queue consumer, the balance funds a group
 * envelope; a won envelope's split budget becomes a share link that a friend (another
 * browser, another session) opens to grab a share and see who grabbed what, with the
 * already / empty / expired states.
 */
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import type { CreateGroupResponse, GroupView, ShakeResponse } from "../../src/wire/index";
import { expectAccessible } from "./support/axe";
import { apiViewer, baseUrl, createPool, dismissWin, lotteryPhase, openBrowser, putShow, yuan, type Browser } from "./support/browser";
import { ARTIFACTS } from "./support/paths";

const browsers: Browser[] = [];
afterEach(async () => {
  await Promise.all(browsers.splice(0).map((b) => b.close()));
});

async function newViewer(options: { serviceWorkers?: "allow" | "block" } = {}) {
  const browser = await openBrowser(options);
  browsers.push(browser);
  return browser;
}

/** Shakes with the button: the page shows the envelope over the screen; returns the shake answer. */
async function winEnvelope(page: Page, phaseTitle: string) {
  await page.goto("/");
  await expect.poll(() => page.locator("#phase").textContent()).toBe(`Live now: ${phaseTitle}`);
  const answer = page.waitForResponse((r) => r.url().includes("/api/shake/"));
  await page.getByRole("button", { name: "Shake!" }).click();
  const shake = (await (await answer).json()) as ShakeResponse;
  if (shake.kind !== "envelope") throw new Error(`expected an envelope, got ${shake.kind}`);
  await expect.poll(() => page.getByRole("alertdialog").getByRole("button", { name: "Open the envelope" }).isVisible()).toBe(true);
  return shake.envelope;
}

describe("wallet", () => {
  it("shows a won envelope on its way, settled once opened, and sends a group envelope from the balance", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("wallet", now - 60_000, now + 10 * 60_000)]);
    await createPool({ phaseId: "wallet", sponsorId: "aurora", budgetCents: 4_000, count: 20 });
    const { context } = await newViewer();
    const page = await context.newPage();
    const envelope = await winEnvelope(page, "Lottery wallet");
    const amount = yuan(envelope.amountCents);

    // Opened later: the line under the shake button keeps it.
    await dismissWin(page);
    await page.getByRole("button", { name: "My wallet" }).click();
    const entry = page.locator(`#wallet-entries li[data-entry-id="claim:${envelope.claimId}"]`);
    await expect.poll(() => entry.getAttribute("data-status")).toBe("pending");
    expect(await entry.textContent()).toContain(`Envelope from Aurora Phones${amount}on its way`);
    expect(await page.locator("#wallet-balance").textContent()).toBe("¥0.00");
    expect(await page.locator("#wallet-pending").textContent()).toBe(`${amount} on its way to your wallet`);

    await page.locator("#result").getByRole("button", { name: "Open the envelope" }).click();
    await expect.poll(() => page.locator("#win .amount").textContent()).toBe(amount);
    await page.getByRole("button", { name: "See it in my wallet" }).click();
    // The wallet re-reads itself while money is pending: the queue consumer settles the claim.
    await expect.poll(() => entry.getAttribute("data-status"), { timeout: 20_000, interval: 500 }).toBe("settled");
    expect(await page.locator("#wallet-balance").textContent()).toBe(amount);
    expect(await page.locator("#wallet-pending").textContent()).toBe("Everything you won is in your wallet.");
    await page.screenshot({ path: `${ARTIFACTS}/viewer-wallet.png`, fullPage: true });
    await expectAccessible(page, "wallet");

    await page.getByLabel("Total (¥)").fill(amount.slice(1));
    await page.getByLabel("Shares").fill("1");
    await page.getByLabel("Greeting (optional)").fill("For you");
    const created = page.waitForResponse((r) => r.url().endsWith("/api/groups"));
    await page.getByRole("button", { name: "Create the group envelope" }).click();
    const group = (await (await created).json()) as CreateGroupResponse;
    expect(group).toMatchObject({ funding: "wallet", amountCents: envelope.amountCents, count: 1 });
    await expect.poll(() => page.locator("#send-group-result .share-link").getAttribute("href")).toMatch(new RegExp(`/g/${group.id}$`));
    await expect
      .poll(() => page.locator(`#wallet-entries li[data-entry-id="group:${group.id}"]`).textContent())
      .toContain(`Group envelope you sent-${amount}`);
    expect(await page.locator("#wallet-balance").textContent()).toBe("¥0.00");
    // Spending more than the balance is refused and says why.
    await page.getByLabel("Total (¥)").fill("1.00");
    await page.getByRole("button", { name: "Create the group envelope" }).click();
    await expect.poll(() => page.locator("#send-group-result").textContent()).toMatch(/settled balance is not enough/);
  });
});

describe("group envelopes", () => {
  it("shares a won envelope's split budget: a friend grabs, sees who grabbed what, then already, empty and expired", async () => {
    const now = Date.now();
    await putShow([lotteryPhase("share", now - 60_000, now + 10 * 60_000)]);
    await createPool({ phaseId: "share", sponsorId: "aurora", budgetCents: 4_000, count: 20, splitAmountCents: 888, splitCount: 2 });

    const sender = await newViewer({ serviceWorkers: "block" });
    await sender.context.addInitScript(() => {
      Object.defineProperty(navigator, "share", {
        value: async (data: ShareData) => void ((window as unknown as { shared: ShareData }).shared = data),
      });
    });
    await sender.context.grantPermissions(["clipboard-read", "clipboard-write"]);
    const page = await sender.context.newPage();
    await winEnvelope(page, "Lottery share");
    await page.getByRole("button", { name: "Open the envelope" }).click();
    const created = page.waitForResponse((r) => r.url().endsWith("/api/groups"));
    await page.getByRole("button", { name: "Share with friends" }).click();
    const group = (await (await created).json()) as CreateGroupResponse;
    expect(group).toMatchObject({ funding: "seed", amountCents: 888, count: 2, shareUrl: `/g/${group.id}` });
    const link = page.locator("#win .share-link");
    const shareUrl = `${baseUrl()}/g/${group.id}`;
    await expect.poll(() => link.getAttribute("href")).toBe(shareUrl);
    expect(await link.textContent()).toBe(shareUrl);
    await page.getByRole("button", { name: "Share…" }).click();
    expect(await page.evaluate(() => (window as unknown as { shared: ShareData }).shared.url)).toBe(shareUrl);
    await page.getByRole("button", { name: "Copy link" }).click();
    await expect.poll(() => page.locator("#win .share .hint").textContent()).toMatch(/Link copied|Copy the selected link/);
    if ((await page.locator("#win .share .hint").textContent())?.startsWith("Link copied")) {
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(shareUrl);
    }

    const friend = await newViewer({ serviceWorkers: "block" });
    const friendPage = await friend.context.newPage();
    await friendPage.goto(`/g/${group.id}`);
    const panel = friendPage.getByRole("region", { name: "Red envelope shared with you" });
    await expect.poll(() => panel.getAttribute("data-state")).toBe("open");
    expect(await panel.locator(".group-summary").textContent()).toBe("¥8.88 in 2 shares · 2 left");
    await expectAccessible(friendPage, "group page, open");
    await friendPage.getByRole("button", { name: "Grab a share" }).click();
    await expect.poll(() => panel.getAttribute("data-state")).toBe("grabbed");
    const status = await apiViewer().then((v) => v.call<GroupView>("GET", `/api/groups/${group.id}`));
    const friendShare = status.grabs[0];
    expect(await panel.locator(".grab-outcome").textContent()).toBe(
      `You grabbed ${yuan(friendShare.amountCents)}! It is on its way to your wallet.`,
    );
    await expect.poll(() => panel.locator(".grabs li").allTextContents()).toEqual([`You: ${yuan(friendShare.amountCents)}`]);
    expect(await panel.locator(".group-summary").textContent()).toBe("¥8.88 in 2 shares · 1 left");

    // Someone else takes the last share; the sender's page then says the envelope is empty.
    const third = await apiViewer();
    const last = await third.call<{ status: string; amountCents: number }>("POST", `/api/groups/${group.id}/grab`, {
      requestId: "third-1",
    });
    expect(last).toMatchObject({ status: "grabbed", amountCents: 888 - friendShare.amountCents });
    await page.goto(`/g/${group.id}`);
    const senderPanel = page.getByRole("region", { name: "Red envelope shared with you" });
    await expect.poll(() => senderPanel.getAttribute("data-state")).toBe("empty");
    expect(await senderPanel.locator(".grab-outcome").textContent()).toBe("Every share has been grabbed.");
    expect(await senderPanel.getByRole("button", { name: "Grab a share" }).isVisible()).toBe(false);
    expect(await senderPanel.locator(".grabs li").allTextContents()).toEqual([
      `Friend 1: ${yuan(friendShare.amountCents)}`,
      `Friend 2: ${yuan(last.amountCents)}`,
    ]);
    await page.screenshot({ path: `${ARTIFACTS}/group-sender.png`, fullPage: true });
    await expectAccessible(page, "group page, empty");

    // The friend comes back to the link: their share, not a second one.
    await friendPage.reload();
    await expect.poll(() => panel.getAttribute("data-state")).toBe("already");
    expect(await panel.locator(".grab-outcome").textContent()).toBe(
      `You already grabbed ${yuan(friendShare.amountCents)} from this envelope.`,
    );
    await friendPage.screenshot({ path: `${ARTIFACTS}/group-friend.png`, fullPage: true });

    // A group envelope that expired (1 s, made through the API by another winner).
    const winner = await apiViewer();
    const shake = await winner.call<ShakeResponse>("POST", "/api/shake/expiring-1");
    if (shake.kind !== "envelope") throw new Error(`expected an envelope, got ${shake.kind}`);
    const expiring = await winner.call<CreateGroupResponse>("POST", "/api/groups", {
      fromClaimId: shake.envelope.claimId,
      expiresInMs: 1_000,
    });
    await new Promise((r) => setTimeout(r, Math.max(0, expiring.expiresAt - Date.now()) + 200));
    await friendPage.goto(`/g/${expiring.id}`);
    await expect.poll(() => panel.getAttribute("data-state")).toBe("expired");
    expect(await panel.locator(".grab-outcome").textContent()).toMatch(/has expired/);

    await friendPage.goto("/g/g_00000000000000000000000000000000");
    await expect.poll(() => panel.getAttribute("data-state")).toBe("missing");
    expect(await friendPage.getByRole("button", { name: "Shake!" }).isVisible()).toBe(true);
  });
});
