import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations("./migrations");

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
          TEST_MIGRATIONS: migrations,
          // Short cache and flush intervals so propagation and statistics tests run quickly.
          TIMELINE_TTL_MS: "500",
          STATS_FLUSH_MS: "50",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    setupFiles: ["./test/support/apply-migrations.ts"],
    testTimeout: 60_000,
  },
});
