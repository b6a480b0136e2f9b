/**
 * The servers under test, each in its own workerd process started through Miniflare's
 * Node API, with no development proxy in front: clients connect straight to workerd's
 * socket (unlike `wrangler dev`, whose Node.js proxy caps a hello-world at under 1,000/s).
 *
 * - app: the bundle `wrangler deploy --dry-run` produces, with SQLite-backed Durable
 *   Objects persisted under bench-results/state (fresh for every run).
 * - hello: a one-line worker on the same runtime, the ceiling every figure is divided by.
 */
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";

export const COMPATIBILITY_DATE = "2026-10-01";
export const ADMIN_SECRET = "bench-admin-secret";
export const SESSION_SECRET = "bench-session-secret";

/** Bundles the worker exactly as a deployment would (top-level wrangler.toml environment). */
export function bundleWorker(outDir) {
  const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--env=", "--outdir", outDir], {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`wrangler bundle failed:\n${built.stdout}\n${built.stderr}`);
  return join(outDir, "index.js");
}

function start(options) {
  return new Miniflare(convertV4MiniflareOptions({ host: "127.0.0.1", compatibilityDate: COMPATIBILITY_DATE, ...options }));
}

export async function startServers({ scriptPath, stateDir, appPort, helloPort, shardCount }) {
  rmSync(stateDir, { recursive: true, force: true });
  const app = start({
    port: appPort,
    modules: true,
    scriptPath,
    durableObjects: {
      POOL_SHARD: { className: "PoolShard", useSQLite: true },
      TIMELINE: { className: "Timeline", useSQLite: true },
    },
    durableObjectsPersist: stateDir,
    bindings: {
      SHARD_COUNT: String(shardCount),
      DEMO_MODE: "off",
      TIMELINE_TTL_MS: "2000",
      SESSION_SECRET,
      ADMIN_SECRET,
    },
  });
  const hello = start({
    port: helloPort,
    modules: true,
    script: `export default { fetch() { return new Response("hello world"); } };`,
  });
  const [appUrl, helloUrl] = await Promise.all([app.ready, hello.ready]);
  return {
    appUrl: appUrl.origin,
    helloUrl: helloUrl.origin,
    dispose: () => Promise.all([app.dispose(), hello.dispose()]),
  };
}
