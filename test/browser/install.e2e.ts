/**
 * Installability as docs/pwa.md claims it: the manifest Chromium finds and parses, its fields,
 * its icons (served with the sizes they declare, one of them maskable), `start_url` inside
 * the scope and answered offline by the service worker that controls the page, and
 * Chromium's own verdict on installability.
 */
import { afterEach, describe, expect, it } from "vitest";
import { openBrowser, type Browser } from "./support/browser";

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose?: string;
}

interface WebManifest {
  name: string;
  short_name: string;
  start_url: string;
  scope?: string;
  display: string;
  theme_color: string;
  background_color: string;
  icons: ManifestIcon[];
}

let browser: Browser | null = null;
afterEach(async () => {
  await browser?.close();
  browser = null;
});

/** Width × height from a PNG's header chunk, as the manifest writes sizes ("192x192"). */
function pngSize(bytes: Uint8Array): string {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  return `${view.getUint32(16)}x${view.getUint32(20)}`;
}

describe("installable PWA", () => {
  it("has a complete manifest, real icons with a maskable one, start_url in scope and a controlling service worker", async () => {
    browser = await openBrowser({ profile: true });
    const page = await browser.context.newPage();
    await page.goto("/");
    const cdp = await browser.context.newCDPSession(page);
    const found = await cdp.send("Page.getAppManifest");
    expect(found.errors).toEqual([]);
    const manifest = JSON.parse(found.data ?? "null") as WebManifest;
    expect(manifest).toMatchObject({ name: "Gala Shake", short_name: "Shake", display: "standalone" });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
    expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);

    const icons = await Promise.all(
      manifest.icons.map(async (icon) => {
        const res = await fetch(new URL(icon.src, found.url));
        expect(res.status, icon.src).toBe(200);
        expect(res.headers.get("content-type"), icon.src).toContain(icon.type);
        const bytes = new Uint8Array(await res.arrayBuffer());
        if (icon.type === "image/png") expect(pngSize(bytes), icon.src).toBe(icon.sizes);
        return { ...icon, purposes: (icon.purpose ?? "any").split(" ") };
      }),
    );
    const pngSizes = (purpose: string) => icons.filter((i) => i.type === "image/png" && i.purposes.includes(purpose)).map((i) => i.sizes);
    expect(pngSizes("any")).toEqual(expect.arrayContaining(["192x192", "512x512"]));
    expect(pngSizes("maskable")).toContain("512x512");

    const scope = new URL(manifest.scope ?? ".", found.url).href;
    const startUrl = new URL(manifest.start_url, found.url).href;
    expect(startUrl.startsWith(scope)).toBe(true);
    await expect
      .poll(() => page.evaluate(() => navigator.serviceWorker.controller?.scriptURL ?? null), { timeout: 10_000 })
      .toBe(new URL("/sw.js", found.url).href);
    expect(startUrl.startsWith(await page.evaluate(async () => (await navigator.serviceWorker.ready).scope))).toBe(true);
    await browser.context.setOffline(true);
    expect(await page.evaluate(async (url) => (await fetch(url)).status, startUrl)).toBe(200);

    expect((await cdp.send("Page.getInstallabilityErrors")).installabilityErrors).toEqual([]);
  });
});
