/**
 * Starts the browser tests' servers: one per vitest worker (`maxWorkers` in
 * vitest.browser.config.ts, `BROWSER_SERVERS`: that many files run at once), each the worker
 * in a workerd of its own with its own storage and test-only secrets (support/server.ts), all
 * on one build of the worker (`npm test`'s, WORKER_BUILD, or one made here), and the one
 * Chromium headless shell the tests open their browser contexts in (support/browser.ts);
 * waits until all answer and stops them afterwards. A file runs against its worker's server
 * alone, so files running at once never share a timeline, pools or wallets.
 */
import { mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import type { TestProject } from "vitest/node";
import { chromium } from "playwright-core";
import { prepareBuild } from "../../load/bench/build.mjs";
import { ARTIFACTS, CHROMIUM_FLAGS, CHROMIUM_SHELL } from "./support/paths";
import { startServer } from "./support/server";

declare module "vitest" {
  export interface ProvidedContext {
    /** One server per vitest worker, in worker order (support/browser.ts picks its worker's). */
    baseUrls: string[];
    chromiumEndpoint: string;
  }
}

const ROOT = resolve(import.meta.dirname, "../..");

export default async function setup(project: TestProject) {
  mkdirSync(ARTIFACTS, { recursive: true });
  // Chromium starts while the worker is bundled and the servers start.
  const browser = chromium.launchServer({ executablePath: CHROMIUM_SHELL, headless: true, args: CHROMIUM_FLAGS });
  const build = (process.env.WORKER_BUILD ??= await prepareBuild(ROOT, join(ROOT, "bench-results", "browser-build")));
  const servers = await Promise.allSettled(Array.from({ length: project.config.maxWorkers }, (_, i) => startServer(i + 1, ROOT, build)));
  const started = servers.flatMap((s) => (s.status === "fulfilled" ? [s.value] : []));
  const stopAll = async () => {
    await Promise.allSettled([...started.map((s) => s.stop()), browser.then((b) => b.close())]);
  };
  try {
    const failed = servers.find((s) => s.status === "rejected");
    if (failed) throw failed.reason;
    project.provide("chromiumEndpoint", (await browser).wsEndpoint());
  } catch (err) {
    await stopAll();
    throw err;
  }
  project.provide(
    "baseUrls",
    started.map((s) => s.baseUrl),
  );
  return stopAll;
}
