/**
 * Browser tests: headless Chromium (playwright-core) against `wrangler dev`, which the global
 * setup starts on a free port with its own persistence directory. Runs in Node, not workerd.
 */
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/browser/**/*.e2e.ts"],
    globalSetup: ["test/browser/global-setup.ts"],
    fileParallelism: false,
    // One worker for every file, its modules (playwright-core, the support modules and their
    // connection to the run's Chromium) loaded once: a fresh one per file took 2-8 s between files.
    isolate: false,
    testTimeout: 60_000,
    // A poll waits for a page to load and ask the server (at 1 s, vitest's default, a page
    // load on a busy machine failed wallet-groups); a poll for something prompt says its bound.
    expect: { poll: { timeout: 10_000 } },
    hookTimeout: 120_000,
  },
});
