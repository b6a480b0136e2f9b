/**
 * The win on a phone, in the audience's language: the envelope covers the screen, its open
 * button in view (from 360×640 to 430×932), focused and announced; one tap opens it and the
 * share, wallet and keep-shaking steps follow there. Once in English on the smallest phone,
 * once in Chinese (the phone's language) on the largest; the English run then uses the
 * language switch. axe-core checks each state in both languages.
 */
import type { Page } from "playwright-core";
import { afterEach, describe, expect, it } from "vitest";
import type { ShakeResponse } from "../../src/wire/index";
import { EN } from "../../static-assets/js/strings/en.js";
import { expectAccessible } from "./support/axe";
import { createPool, lotteryPhase, openBrowser, putShow, yuan, type Browser } from "./support/browser";
import { expectHeaderAligned, inViewport } from "./support/layout";
import { ARTIFACTS } from "./support/paths";

/** Phone screens from the smallest to the largest the win must fit without scrolling. */
const PHONES = [
  { width: 360, height: 640 },
  { width: 390, height: 844 },
  { width: 412, height: 915 },
  { width: 430, height: 932 },
];

/** The win in each language, each on one end of the range (and checked at every size). */
const WINS = [
  {
    lang: "en",
    locale: "en-US",
    suffix: "",
    phone: PHONES[0],
    text: {
      live: (id: string) => `Live now: Lottery ${id}`,
      shake: "Shake!",
      from: "A red envelope from Aurora Phones!",
      hint: "You won a red envelope! Open it to see how much is inside.",
      open: "Open the envelope",
      onItsWay: "On its way to your wallet.",
      next: ["Share with friends", "See it in my wallet", "Keep shaking"],
      summary: (amount: string) => `A red envelope from Aurora Phones: ${amount}`,
    },
  },
  {
    lang: "zh-CN",
    locale: "zh-CN",
    suffix: "-zh",
    phone: PHONES[3],
    text: {
      live: (id: string) => `正在进行：抽奖 ${id}`,
      shake: "摇一摇！",
      from: "极光手机送你一个红包！",
      hint: "恭喜你摇到红包！拆开看看里面有多少钱。",
      open: "拆红包",
      onItsWay: "正在存入你的钱包。",
      next: ["分享给好友", "在钱包里查看", "继续摇"],
      summary: (amount: string) => `极光手机的红包：${amount}`,
    },
  },
];

/** Every viewer string in view is Chinese: no English string of the viewer's own appears. */
async function expectNoEnglish(page: Page) {
  const shown = await page.evaluate(() => document.body.innerText);
  const english = Object.values(EN).filter((v): v is string => typeof v === "string" && /[a-z]{3}/.test(v) && v !== EN.switchLanguageLabel);
  expect(english.filter((text) => shown.includes(text))).toEqual([]);
  expect(shown).not.toMatch(/Aurora Phones|Lottery /);
}

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

describe("the win", () => {
  for (const win of WINS) {
    it(`${win.lang} on a ${win.phone.width}×${win.phone.height} phone: the win covers the screen, its open button in view, focused and announced on every phone size; one tap opens it`, async () => {
      const phaseId = `win-${win.lang}`;
      const now = Date.now();
      await putShow([lotteryPhase(phaseId, now - 60_000, now + 10 * 60_000)]);
      await createPool({ phaseId, sponsorId: "aurora", budgetCents: 4_000, count: 20, splitAmountCents: 888, splitCount: 2 });
      browser = await openBrowser({ locale: win.locale, viewport: win.phone, hasTouch: true });
      const page = await browser.context.newPage();
      const opens: string[] = [];
      const shakes: string[] = [];
      page.on("request", (r) => void (r.url().includes("/open") && opens.push(r.url())));
      page.on("request", (r) => void (r.url().includes("/api/shake/") && shakes.push(r.url())));
      await page.goto("/");
      expect(await page.locator("html").getAttribute("lang")).toBe(win.lang);
      await expect.poll(() => page.locator("#phase").textContent()).toBe(win.text.live(phaseId));
      await expect.poll(() => page.locator("#resource-status").textContent(), { timeout: 20_000 }).toMatch(/100%/);
      await expectHeaderAligned(page);
      await expectAccessible(page, `live, ${win.lang}`);
      if (win.lang === "zh-CN") await expectNoEnglish(page);

      // The shake button waits a minute after this shake (the server's throttle hint, stretched):
      // the win is closed while it waits, and the focus must still come back to it.
      await page.route("**/api/shake/**", async (route) => {
        const response = await route.fetch();
        const body = (await response.json()) as ShakeResponse;
        await route.fulfill({ response, json: { ...body, throttle: { ...body.throttle, minIntervalMs: 60_000 } } });
      });
      const answer = page.waitForResponse((r) => r.url().includes("/api/shake/"));
      await page.getByRole("button", { name: win.text.shake }).tap();
      const shake = (await (await answer).json()) as ShakeResponse;
      expect(shake.kind).toBe("envelope");
      if (shake.kind !== "envelope") return;

      // One look: the envelope over the shake screen, announced by its name, its open button focused.
      const dialog = page.getByRole("alertdialog", { name: win.text.from });
      await expect.poll(() => dialog.isVisible()).toBe(true);
      const open = dialog.getByRole("button", { name: win.text.open });
      expect(await open.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(
        await page.locator("#win").evaluate((d) => document.getElementById(d.getAttribute("aria-describedby") ?? "")?.textContent),
      ).toBe(win.text.hint);
      const logo = dialog.locator('img[data-asset-id="sponsor-aurora"]');
      await expect.poll(() => logo.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBeGreaterThan(0);
      for (const phone of PHONES) {
        await page.setViewportSize(phone);
        for (const [what, part] of [
          ["title", dialog.locator("h2")],
          ["logo", logo],
          ["open button", open],
        ] as const) {
          expect(await inViewport(page, part), `${what} at ${phone.width}×${phone.height}`).toBe(true);
        }
      }
      await page.setViewportSize(win.phone);
      await expectAccessible(page, `won, ${win.lang}`);
      await page.screenshot({ path: `${ARTIFACTS}/viewer-win${win.suffix}.png` });

      // One tap: the amount, then sharing, the wallet and back to shaking, all in view.
      await open.tap();
      const amount = dialog.locator(".amount");
      await expect.poll(() => amount.textContent()).toBe(yuan(shake.envelope.amountCents));
      await expect.poll(() => dialog.locator(".note").textContent()).toBe(win.text.onItsWay);
      expect(opens).toHaveLength(1);
      for (const part of [amount, ...win.text.next.map((name) => dialog.getByRole("button", { name }))]) {
        expect(await inViewport(page, part), (await part.textContent()) ?? "").toBe(true);
      }
      await page.waitForTimeout(700);
      await page.screenshot({ path: `${ARTIFACTS}/viewer-envelope${win.suffix}.png` });
      await expectAccessible(page, `opened, ${win.lang}`);
      if (win.lang === "zh-CN") await expectNoEnglish(page);

      await dialog.getByRole("button", { name: win.text.next[2] }).tap();
      await expect.poll(() => dialog.isVisible()).toBe(false);
      const shakeButton = page.getByRole("button", { name: win.text.shake });
      expect(await shakeButton.getAttribute("aria-disabled")).toBe("true");
      // The dialog's close event (summary, focus back) is a task after the dialog hides.
      await expect.poll(() => shakeButton.evaluate((el) => el === document.activeElement)).toBe(true);
      expect(await page.locator("#result").textContent()).toBe(win.text.summary(yuan(shake.envelope.amountCents)));
      // Pressed while it waits (a keyboard, or a cheater past aria-disabled), it sends nothing.
      await shakeButton.press("Enter");
      await shakeButton.click({ force: true });
      await page.waitForTimeout(300);
      expect(shakes).toHaveLength(1);
      if (win.lang !== "en") return;

      // The switch: Chinese at once, also after a reload (the choice is kept).
      await page.getByRole("button", { name: "切换到中文" }).click();
      expect(await page.locator("html").getAttribute("lang")).toBe("zh-CN");
      await expect.poll(() => page.locator("#phase").textContent()).toBe(`正在进行：抽奖 ${phaseId}`);
      expect(await page.locator("#result").textContent()).toBe(`极光手机的红包：${yuan(shake.envelope.amountCents)}`);
      await page.reload();
      await expect.poll(() => page.locator("#phase").textContent()).toBe(`正在进行：抽奖 ${phaseId}`);
      expect(await page.getByRole("button", { name: "Switch to English" }).textContent()).toBe("English");
    });
  }
});
