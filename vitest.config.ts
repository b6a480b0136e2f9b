/**
 * Two projects: `unit` (pure suites: domain logic, client modules, capacity and cost models,
 * deploy checks) in plain Node, and `workers` (everything that needs the real worker, its
 * Durable Objects, queue and D1) inside workerd through @cloudflare/vitest-plugin.
 * `npm run test:unit` runs the first alone in seconds. A test's console output (the worker's
 * JSON log lines among it) is shown only when that test fails.
 */
import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const WORKERS = Number(process.env.WORKERD_WORKERS ?? 3);

/** The worker's test bindings; read when the workerd pool starts, so `--project unit` never loads wrangler. */
async function workersOptions(): Promise<Exclude<Parameters<typeof cloudflareTest>[0], Function>> {
  const { unstable_readConfig } = await import("wrangler");
  const migrations = await readD1Migrations("./migrations");
  /** The production environment's vars, for the test that it refuses development identity. */
  const productionVars = unstable_readConfig({ config: "./wrangler.toml", env: "production" }).vars;
  return {
    wrangler: { configPath: "./wrangler.toml" },
    // workerd's own log (uncaught exceptions of objects under fault injection, body warnings) stays out of the report.
    verbose: false,
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
        // Edge leases run out and come back within seconds (test/leases). A lease's life counts
        // from the isolate's ask, so its round trip and the wait for the next shake eat into it:
        // at 2 s a loaded machine (load 15) got every lease back already expired, and every win
        // of edge-leases' first test was a shard claim (reproduced alone at 250 ms).
        LEASE_TTL_MS: "4000",
        LEASE_REPORT_MS: "1000",
        // A winner may present a leased claim until 6 s after its lease's expiry, and the lease's
        // envelopes return 10 s after its grant: more than twice the merge horizon, so a test that
        // waits for a claim to become final (test/leases/merge-order.test.ts) still presents the
        // earlier claim seconds before its lease returns on a busy machine (at 7 s the margin was
        // 0.8 s). At 3 s, presents after the audit of a vanished isolate's wins came late at load 47.
        LEASE_PRESENT_MS: "6000",
        // Claims of a lease phase are final (never displaced, then settled) 4 s after their issue (test/leases/merge-order.test.ts).
        MERGE_HORIZON_MS: "4000",
        // The model-based money suite (test/model): sequences per run, and a seed/path to replay.
        MODEL_RUNS: process.env.MODEL_RUNS ?? "6",
        ...(process.env.MODEL_SEED ? { MODEL_SEED: process.env.MODEL_SEED, MODEL_PATH: process.env.MODEL_PATH ?? "" } : {}),
      },
      // The settlement queues as wrangler.toml has them, but a batch goes out 0.1 s after its first
      // message, not 1 s: every test that waits for a settlement, and every file's end (fresh-world.ts
      // waits for a marker's batch), waited up to a second per batch (the settlement files took 25 %
      // less time). Batches still fill to 50 when messages come faster.
      queueConsumers: {
        "gala-settlements-dev": { maxBatchSize: 50, maxBatchTimeout: 0.1, maxRetries: 10, deadLetterQueue: "gala-settlements-dev-dlq" },
        "gala-settlements-dev-dlq": { maxBatchSize: 50, maxBatchTimeout: 0.1, maxRetries: 100, deadLetterQueue: "gala-settlements-dev" },
      },
      // Room for suites that fire hundreds of shakes (or wallet polls) from one user; test/overload/* go past it.
      ratelimits: {
        SHAKE_LIMITER: { namespace_id: "7001", simple: { limit: 1000, period: 10 } },
        VIEWER_LIMITER: { namespace_id: "7003", simple: { limit: 1000, period: 10 } },
      },
    },
  };
}

export default defineConfig({
  test: {
    silent: "passed-only",
    // Per-file lines carry their durations; single tests are listed only when really slow.
    slowTestThreshold: 10_000,
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/unit/**/*.test.ts", "test/client/**/*.test.ts"],
          environment: "node",
          isolate: false,
        },
      },
      {
        plugins: [cloudflareTest(workersOptions)],
        test: {
          name: "workers",
          include: ["test/**/*.test.ts"],
          exclude: ["test/unit/**", "test/client/**"],
          setupFiles: ["./test/support/fresh-world.ts"],
          testTimeout: 60_000,
          // A file's end (fresh-world.ts) waits up to 10 s for the queue to deliver its marker, then
          // empties the objects: more than vitest's 10 s default for a hook on a slow machine.
          hookTimeout: 30_000,
          // Most tests wait on timers (lease deadlines, queue batches, TTLs), so more workerd
          // processes than cores overlap the waits; but npm test keeps both cores busy, and each
          // process more costs CPU: whole npm test runs on an idle machine took 273 s with 2,
          // 227-249 s with 3 and 262 s with 4. Each serves files one after another and
          // fresh-world.ts empties it between files, which is far cheaper than a workerd per file.
          maxWorkers: WORKERS,
          isolate: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
