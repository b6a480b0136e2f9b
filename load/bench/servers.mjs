/**
 * The servers under test: plain `workerd serve` processes (the runtime wrangler and
 * Miniflare embed), with generated configs and nothing in front. Clients connect straight
 * to workerd's socket: no Node.js dev proxy (which caps `wrangler dev` under 1,000/s for a
 * hello-world) and no Miniflare entry worker (which adds a JS hop to every request).
 *
 * - app: the bundle `wrangler deploy --dry-run` produces, with SQLite-backed Durable
 *   Objects on local disk under bench-results/state (fresh for every run), or with
 *   storage "memory" on tmpfs (/dev/shm), which takes the disk's sync latency out.
 * - hello: a one-line worker in its own workerd process: the ceiling every figure is
 *   divided by.
 * Each process is single-threaded, so each serves on (at most) one core.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative } from "node:path";

export const COMPATIBILITY_DATE = "2026-10-01";
export const ADMIN_SECRET = "bench-admin-secret";
export const SESSION_SECRET = "bench-session-secret";

const WORKERD = join(createRequire(import.meta.url).resolve("workerd/package.json"), "../bin/workerd");

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

export function workerdVersion() {
  return spawnSync(WORKERD, ["--version"], { encoding: "utf8" }).stdout.trim();
}

const text = (value) => JSON.stringify(String(value));

/** The config embeds the bundle by a path relative to the config file (capnp's rule). */
function appConfig({ scriptPath, configDir, stateDir, port, shardCount }) {
  const vars = { SHARD_COUNT: shardCount, DEMO_MODE: "off", TIMELINE_TTL_MS: 2000, SESSION_SECRET, ADMIN_SECRET };
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [
    (name = "app", worker = .app),
    (name = "state", disk = (path = ${text(stateDir)}, writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "app")],
);
const app :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed ${text(relative(configDir, scriptPath))})],
  compatibilityDate = ${text(COMPATIBILITY_DATE)},
  bindings = [
${Object.entries(vars)
  .map(([name, value]) => `    (name = ${text(name)}, text = ${text(value)}),`)
  .join("\n")}
    (name = "POOL_SHARD", durableObjectNamespace = "PoolShard"),
    (name = "TIMELINE", durableObjectNamespace = "Timeline"),
  ],
  durableObjectNamespaces = [
    (className = "PoolShard", uniqueKey = "gala-shake-pool-shard", enableSql = true),
    (className = "Timeline", uniqueKey = "gala-shake-timeline", enableSql = true),
  ],
  durableObjectStorage = (localDisk = "state"),
);
`;
}

function helloConfig({ port }) {
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [(name = "hello", worker = (
    modules = [(name = "hello.js", esModule = "export default { fetch() { return new Response('hello world'); } };")],
    compatibilityDate = ${text(COMPATIBILITY_DATE)},
  ))],
  sockets = [(name = "http", address = "127.0.0.1:${port}", http = (), service = "hello")],
);
`;
}

async function waitUntilUp(url, child) {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`workerd exited with ${child.exitCode}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1_000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`workerd did not answer on ${url}`);
}

async function serve(configPath, port) {
  const child = spawn(WORKERD, ["serve", configPath], { stdio: ["ignore", "inherit", "inherit"] });
  const url = `http://127.0.0.1:${port}`;
  await waitUntilUp(url, child);
  return { url, pid: child.pid, stop: () => child.kill("SIGTERM") };
}

export async function startServers({ scriptPath, workDir, appPort, helloPort, shardCount, storage }) {
  const stateDir = storage === "memory" ? join("/dev/shm", `gala-shake-bench-${process.pid}`) : join(workDir, "state");
  rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const appConfigPath = join(workDir, "app.capnp");
  const helloConfigPath = join(workDir, "hello.capnp");
  writeFileSync(appConfigPath, appConfig({ scriptPath, configDir: dirname(appConfigPath), stateDir, port: appPort, shardCount }));
  writeFileSync(helloConfigPath, helloConfig({ port: helloPort }));
  const app = await serve(appConfigPath, appPort);
  const hello = await serve(helloConfigPath, helloPort);
  return {
    app,
    hello,
    dispose: () => {
      app.stop();
      hello.stop();
      if (storage === "memory") rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
