/**
 * What a bench run takes from wrangler: the worker bundled as a deployment would bundle it,
 * the worker's Miniflare options from wrangler.toml (top-level environment), and the D1
 * migrations split into statements. Loading wrangler costs about two CPU seconds per
 * process, so `prepareBuild` writes all three into one directory once, and every script run
 * with WORKER_BUILD naming that directory reads them from there (the smoke runs of
 * `npm test` share one build: smoke.mjs).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const OPTIONS_FILE = "worker-options.json";
const MIGRATIONS_FILE = "migrations.json";
const prepared = () => process.env.WORKER_BUILD;
const readPrepared = (file) => JSON.parse(readFileSync(join(prepared(), file), "utf8"));

/**
 * Bundles the worker exactly as a deployment would (top-level wrangler.toml environment) into
 * `outDir` (inside the repository: workerd resolves the bundle's modules from there).
 */
export function bundleWorker(outDir) {
  if (prepared()) return join(prepared(), "index.js");
  const built = spawnSync("npx", ["wrangler", "deploy", "--dry-run", "--env=", "--outdir", outDir], {
    encoding: "utf8",
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    timeout: 120_000,
  });
  if (built.status !== 0) throw new Error(`wrangler bundle failed:\n${built.stdout}\n${built.stderr}`);
  return join(outDir, "index.js");
}

/** The worker's Miniflare options as wrangler reads them from wrangler.toml (top-level environment). */
export async function workerOptionsOf(root) {
  if (prepared()) return readPrepared(OPTIONS_FILE);
  const { unstable_getMiniflareWorkerOptions } = await import("wrangler");
  return unstable_getMiniflareWorkerOptions(join(root, "wrangler.toml"), "").workerOptions;
}

/** The D1 migrations in order: `[file, statements]`. */
export async function migrationsOf(root) {
  if (prepared()) return readPrepared(MIGRATIONS_FILE);
  const { unstable_splitSqlQuery } = await import("wrangler");
  const dir = join(root, "migrations");
  return readdirSync(dir)
    .filter((f) => f.endsWith(".sql"))
    .sort()
    .map((file) => [file, unstable_splitSqlQuery(readFileSync(join(dir, file), "utf8"))]);
}

/** Writes the bundle, the worker's options and the migrations into `dir`, for WORKER_BUILD. */
export async function prepareBuild(root, dir) {
  mkdirSync(dir, { recursive: true });
  bundleWorker(dir);
  writeFileSync(join(dir, OPTIONS_FILE), JSON.stringify(await workerOptionsOf(root)));
  writeFileSync(join(dir, MIGRATIONS_FILE), JSON.stringify(await migrationsOf(root)));
  return dir;
}
