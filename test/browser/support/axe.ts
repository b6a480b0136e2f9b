/**
 * Accessibility checks with axe-core (the npm package), run inside the page under test.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { AxeResults } from "axe-core";
import type { Page } from "playwright-core";

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve("axe-core/axe.min.js"), "utf8");

/** Impacts that fail a test; minor and moderate findings are left to review. */
const BLOCKING = ["serious", "critical"];

/**
 * Runs axe-core on the page as it is now and fails on serious or critical violations, naming
 * `state` (the view being checked), each rule and the elements it flagged. The script is
 * evaluated through the devtools protocol, which the page's strict CSP does not govern.
 */
export async function expectAccessible(page: Page, state: string): Promise<void> {
  if (!(await page.evaluate(() => "axe" in window))) await page.evaluate(AXE_SOURCE);
  const results = await page.evaluate(() => (window as unknown as { axe: { run(): Promise<AxeResults> } }).axe.run());
  const blocking = results.violations
    .filter((v) => BLOCKING.includes(v.impact ?? ""))
    .map((v) => `${v.impact} ${v.id}: ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
  if (blocking.length > 0) throw new Error(`axe-core in state "${state}":\n${blocking.join("\n")}`);
}
