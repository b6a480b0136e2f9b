/**
 * Browser tests: headless Chromium (playwright-core) against the worker in workerd, which the
 * global setup starts once per vitest worker (test/browser/support/server.ts), each on a free
 * port with its own storage. Runs in Node, not workerd.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.e2e.ts"],
    globalSetup: ["test/browser/global-setup.ts"],
    // Files mostly wait on pages, polls and timers: two run at once (BROWSER_SERVERS), each
    // worker against a server of its own (alone on an idle machine the suite took 175 s one file
    // at a time, 124 s two at a time). A worker's modules (playwright-core, the support modules and their connection
    // to the run's Chromium) are loaded once for all its files: a fresh one per file took 2-8 s.
    maxWorkers: Number(process.env.BROWSER_SERVERS ?? 2),
    isolate: false,
    testTimeout: 60_000,
    // A poll waits for a page to load and ask the server (at 1 s, vitest's default, a page
    // load on a busy machine failed wallet-groups); a poll for something prompt says its bound.
    // Each poll asks the page through the devtools protocol: every 250 ms, not vitest's 50 ms
    // (the suite's Chromium 135 -> 123 CPU s).
    expect: { poll: { timeout: 10_000, interval: 250 } },
    hookTimeout: 120_000,
  },
});
