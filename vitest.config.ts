import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          SESSION_SECRET: "test-only-session-secret",
          ADMIN_SECRET: "test-only-admin-secret",
          DEMO_MODE: "off",
          SHARD_COUNT: "8",
          // Short cache and flush intervals so propagation and statistics tests run quickly.
          TIMELINE_TTL_MS: "500",
          STATS_FLUSH_MS: "50",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 60_000,
  },
});
