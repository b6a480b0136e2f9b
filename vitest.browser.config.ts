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
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
