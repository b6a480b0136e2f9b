/**
 * Pre-download in a real browser: the service worker installs, downloads every resource
 * package to 100%, serves the shell and the assets from Cache Storage with the network cut,
 * resumes an interrupted download, and replaces a package when its version changes.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import type { Page } from "playwright-core";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import type { ResourceManifest } from "../../src/wire/index";
import { lotteryPhase, openBrowser, putShow, type Browser } from "./support/browser";
import { ARTIFACTS } from "./support/paths";

const manifest = JSON.parse(readFileSync("static-assets/resources/manifest.json", "utf8")) as ResourceManifest;
const files = manifest.packages.flatMap((p) => p.files);
const totalBytes = files.reduce((sum, f) => sum + f.bytes, 0);

/** The budgets of docs/pwa.md ("Size of the shell"): what a phone downloads before the show. */
const SHELL_BUDGET = { bytes: 128 * 1024, gzipped: 40 * 1024 };
const PACKAGES_BUDGET = 16 * 1024;

/** The shell the service worker caches at install (its SHELL_FILES), icons aside. */
const shellFiles = [
  ...(/const SHELL_FILES = \[([\s\S]*?)\]/.exec(readFileSync("static-assets/sw.js", "utf8"))?.[1] ?? "").matchAll(/"([^"]+)"/g),
].map(([, url]) => url);

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

beforeAll(async () => {
  const now = Date.now();
  await putShow([lotteryPhase("res", now - 60_000, now + 10 * 60_000, 0)]);
});

async function waitForProgress(page: Page, text: RegExp) {
  await expect.poll(() => page.locator("#resource-status").textContent(), { timeout: 20_000 }).toMatch(text);
}

const cacheNames = (page: Page) => page.evaluate(() => caches.keys());

describe("resource pre-download", () => {
  it("lists every file with its exact size", () => {
    for (const file of files) expect(statSync(`static-assets${file.url}`).size, file.url).toBe(file.bytes);
  });

  it("caches every viewer module and stays within the budgets of the shell and the packages", () => {
    const modules = readdirSync("static-assets/js", { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".js"));
    expect(modules.map((f) => `/js/${f}`).filter((url) => !shellFiles.includes(url))).toEqual([]);
    const shell = Buffer.concat(
      [...shellFiles.filter((url) => !url.startsWith("/icons/")), "/sw.js"].map((url) =>
        readFileSync(`static-assets${url === "/" ? "/index.html" : url}`),
      ),
    );
    expect(shell.length).toBeLessThanOrEqual(SHELL_BUDGET.bytes);
    expect(gzipSync(shell, { level: 9 }).length).toBeLessThanOrEqual(SHELL_BUDGET.gzipped);
    expect(totalBytes).toBeLessThanOrEqual(PACKAGES_BUDGET);
  });

  it("reaches 100% and then serves shell and assets from cache with the network cut", async () => {
    browser = await openBrowser();
    const page = await browser.context.newPage();
    await page.goto("/");
    await waitForProgress(page, /ready offline.*100%/);
    expect(await page.locator("#resource-progress").getAttribute("value")).toBe("100");
    expect(await page.locator("#resource-status").textContent()).toContain(`${(totalBytes / 1024).toFixed(1)} KB`);
    expect(await cacheNames(page)).toEqual(expect.arrayContaining(manifest.packages.map((p) => `gs-pkg-${p.id}-v${p.version}`)));
    await page.screenshot({ path: `${ARTIFACTS}/viewer-downloaded.png` });

    // The package manifest is network-first (it announces new versions); the files it lists,
    // and the shell, must never touch the network again.
    let assetRequestsOnNetwork = 0;
    await browser.context.route(/\/(resources|js|icons)\/|\.css$/, (route) => {
      if (!route.request().url().endsWith("/resources/manifest.json")) assetRequestsOnNetwork += 1;
      return route.abort("internetdisconnected");
    });
    await browser.context.setOffline(true);
    await page.reload();
    await expect.poll(() => page.locator("#phase").textContent(), { timeout: 10_000 }).toContain("Live now");
    const loaded = await page.evaluate(
      async (urls) => {
        const sizes = [];
        for (const url of urls) sizes.push((await (await fetch(url)).arrayBuffer()).byteLength);
        return sizes;
      },
      files.map((f) => f.url),
    );
    expect(loaded).toEqual(files.map((f) => f.bytes));
    expect(assetRequestsOnNetwork).toBe(0);
  });

  it("resumes an interrupted download and replaces a package whose version changed", async () => {
    browser = await openBrowser();
    const { context } = browser;
    const fetched: string[] = [];
    context.on("request", (request) => {
      if (request.url().includes("/resources/") && !request.url().endsWith("manifest.json")) fetched.push(new URL(request.url()).pathname);
    });
    await context.route("**/resources/greetings/**", (route) => route.abort("connectionreset"));
    const page = await context.newPage();
    await page.goto("/");
    await waitForProgress(page, /paused/);

    await context.unroute("**/resources/greetings/**");
    fetched.length = 0;
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.postMessage({ type: "sync-resources" }));
    await waitForProgress(page, /100%/);
    const greetingUrls = manifest.packages.find((p) => p.id === "greetings")!.files.map((f) => f.url);
    const sponsorUrls = manifest.packages.find((p) => p.id === "sponsors")!.files.map((f) => f.url);
    expect(fetched.filter((url) => sponsorUrls.includes(url))).toEqual([]);
    expect(greetingUrls.every((url) => fetched.includes(url))).toBe(true);

    const bumped: ResourceManifest = {
      packages: manifest.packages.map((p) => (p.id === "sponsors" ? { ...p, version: p.version + 1 } : p)),
    };
    await context.route("**/resources/manifest.json", (route) => route.fulfill({ json: bumped }));
    await page.evaluate(async () => (await navigator.serviceWorker.ready).active?.postMessage({ type: "sync-resources" }));
    await expect
      .poll(async () => (await cacheNames(page)).filter((n) => n.startsWith("gs-pkg-sponsors")), { timeout: 10_000 })
      .toEqual(["gs-pkg-sponsors-v2"]);
  });
});
