/**
 * `npm run rehearsal:screenshot`: renders bench-results/rehearsal-latest.html in headless
 * Chromium (/usr/bin/chromium, as the browser tests) to docs/screenshots/rehearsal-report.png
 * for the README. Optional argument: another report file.
 */
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const ROOT = resolve(import.meta.dirname, "../..");
const report = resolve(process.argv[2] ?? join(ROOT, "bench-results/rehearsal-latest.html"));
const out = join(ROOT, "docs/screenshots/rehearsal-report.png");

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const page = await browser.newPage({ viewport: { width: 1000, height: 1400 }, deviceScaleFactor: 1 });
  await page.goto(pathToFileURL(report).href);
  await page.screenshot({ path: out, fullPage: false });
  console.log(`wrote ${out}`);
} finally {
  await browser.close();
}
