import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_readConfig } from "wrangler";

const migrations = await readD1Migrations("./migrations");
/** The production environment's vars, for the test that it refuses development identity. */
const productionVars = unstable_readConfig({ config: "./wrangler.toml", env: "production" }).vars;

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        bindings: {
          SESSION_SECRET: "test-only-session-secret",
          ADMIN_SECRET: "test-only-admin-secret-at-least-32-chars",
          DRAW_SECRET: "test-only-draw-secret",
          TURNSTILE_SECRET: "test-only-turnstile-secret",
          // Turnstile's siteverify is the development provider's stand-in (answered in-process).
          TURNSTILE_VERIFY_URL: "http://localhost:8787/api/dev-idp/turnstile/siteverify",
          // A short JWKS refetch cooldown so the unknown-kid test can watch it pass.
          JWKS_COOLDOWN_MS: "1000",
          DEMO_MODE: "off",
          SHARD_COUNT: "8",
          // Suites that burst one shard or drain a pool in seconds run without shedding and
          // pacing; test/overload/* switch both on with the deployed values (docs/overload.md).
          SHARD_RPS_CEILING: "1000000",
          ISSUANCE_PACING: "off",
          SHAKE_LIMIT: "1000",
          VIEWER_LIMIT: "1000",
          TEST_MIGRATIONS: migrations,
          PRODUCTION_VARS: JSON.stringify(productionVars),
          // Short cache and flush intervals so propagation and statistics tests run quickly.
          TIMELINE_TTL_MS: "500",
          STATS_FLUSH_MS: "50",
          // Edge leases run out and come back within seconds (test/leases).
          LEASE_TTL_MS: "2000",
          LEASE_REPORT_MS: "1000",
          LEASE_PRESENT_MS: "3000",
          // The model-based money suite (test/model): sequences per run, and a seed/path to replay.
          MODEL_RUNS: process.env.MODEL_RUNS ?? "6",
          ...(process.env.MODEL_SEED ? { MODEL_SEED: process.env.MODEL_SEED, MODEL_PATH: process.env.MODEL_PATH ?? "" } : {}),
        },
        // Room for suites that fire hundreds of shakes (or wallet polls) from one user; test/overload/* go past it.
        ratelimits: {
          SHAKE_LIMITER: { namespace_id: "7001", simple: { limit: 1000, period: 10 } },
          VIEWER_LIMITER: { namespace_id: "7003", simple: { limit: 1000, period: 10 } },
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
