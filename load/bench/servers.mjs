/**
 * The servers under test, each in its own workerd process, started through Miniflare (the
 * project's own devDependency, pinned to the version wrangler bundles) from Node with the bindings wrangler.toml declares: Durable Objects,
 * D1, the settlement queue and its consumers, rate limits. Clients connect to a direct
 * socket of the worker itself (`unsafeDirectSockets`): no Node.js dev proxy (which caps
 * `wrangler dev` under 1,000/s for a hello-world) and no Miniflare entry worker in front.
 *
 * - app: the bundle `wrangler deploy --dry-run` produces, its objects' SQLite and D1 under
 *   bench-results/state, or with storage "memory" on tmpfs (/dev/shm; the OS temp directory
 *   where there is none), which takes the disk's sync latency out. Fresh for every run; migrations applied before it serves.
 * - shedding: a second edge worker in the app's process, on the app's objects, whose own
 *   ceiling (EDGE_RPS_CEILING) is one shake per second: every shake it gets is refused with
 *   `busy`, so a scenario measures what shedding costs while the app's capacity scenarios
 *   run with the edge's and the shard's shedding ceilings lifted.
 * - edges: `edgeIsolates` more edge workers in the app's process built from the same bundle,
 *   each its own isolate with its own module state (its own edge leases), all on the app's
 *   objects (Durable Object bindings with `scriptName`): many edge isolates against the same
 *   shards, as at a gala (DESIGN.md's toolchain facts).
 * - hello: a one-line worker on the same runtime and socket kind: the ceiling every figure
 *   is divided by; in a second workerd process with
 * - calibration: minimal workers with the shake's wire shapes (calibration.mjs). Only one of
 *   that process's workers is driven at a time, so its CPU per request is that worker's.
 * Each workerd process runs its JavaScript on one thread, so each serves on one core.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { migrationsOf, workerOptionsOf } from "./build.mjs";
import { calibrationWorkers } from "./calibration.mjs";
import { childListeningOn } from "./cpu.mjs";
import { INSPECTOR_PORT } from "./profile.mjs";

export { bundleWorker } from "./build.mjs";

export const ADMIN_SECRET = "bench-admin-secret-at-least-32-characters";

/**
 * Stands in for the Workers Rate Limiting bindings. In production a limit check is answered
 * in the location in well under a millisecond; Miniflare's local stand-in is a Durable
 * Object in the same workerd process that costs more CPU than the shake itself, and even
 * this always-allow worker is a cross-worker call (about 120 µs per shake measured), so the
 * bench also sets SHARED_RATE_LIMITS=off: the edge's exact per-isolate window counters
 * (src/edge/rate-limits.ts) still apply every shake and session limit.
 */
const LIMITER_WORKER = "bench-rate-limiter";
const ALWAYS_ALLOW = `import { WorkerEntrypoint } from "cloudflare:workers";
export class Limiter extends WorkerEntrypoint { async limit() { return { success: true }; } }
export default { fetch() { return new Response(null, { status: 404 }); } };`;
export const SESSION_SECRET = "bench-session-secret";
const APP_WORKER = "gala-shake";
const HELLO_WORLD = `export default { fetch() { return new Response("hello world"); } };`;
const SHEDDING_WORKER = "gala-shake-shedding";
const EDGE_WORKER = "gala-shake-edge";

const fromMiniflare = createRequire(createRequire(import.meta.url).resolve("miniflare/package.json"));

export function workerdVersion() {
  const workerd = join(fromMiniflare.resolve("workerd/package.json"), "../bin/workerd");
  return spawnSync(workerd, ["--version"], { encoding: "utf8" }).stdout.trim();
}

/** A direct socket on 127.0.0.1; port 0 takes any free port (runs on one machine never collide). */
const directSocket = (port) => [{ host: "127.0.0.1", port }];

/**
 * Starts one Miniflare instance: the direct URL of every worker that has a direct socket, by
 * name, and the workerd process id (the process listening on the first of them).
 */
async function serve(workers, shared = {}) {
  const mf = new Miniflare({ ...convertV4MiniflareOptions({ workers }), ...shared });
  await mf.ready;
  const urls = {};
  for (const { name, unsafeDirectSockets } of workers) {
    if (unsafeDirectSockets) urls[name] = String(await mf.unsafeGetDirectURL(name)).replace(/\/$/, "");
  }
  const first = new URL(Object.values(urls)[0]);
  return { mf, pid: childListeningOn("workerd", Number(first.port)), urls };
}

export async function applyMigrations(mf, root) {
  const db = await mf.getD1Database("DB");
  for (const [, statements] of await migrationsOf(root)) await db.batch(statements.map((sql) => db.prepare(sql)));
}

/**
 * `vars` override the bench's bindings (the rehearsal runs with the deployed ceilings and
 * pacing). Ports: 0 takes any free port; without `helloPort` no hello-world worker is started,
 * without `sheddingPort` no shedding edge, without `calibrationPort` no calibration workers
 * (one process, ports from calibrationPort on), `edgeIsolates` edges on the app's objects
 * (`edges.urls`, free ports); `onWorkerLog`
 * receives the app's log lines (`{ timestamp, level, message }`) instead of this process's
 * console. With `inspect`, the app's worker is reachable by the inspector on
 * INSPECTOR_PORT (profile.mjs). With `reuseState` the storage (D1 migrated) a previous start
 * left in the same place is used again, and with `keepState` `dispose` leaves it there
 * (bench:audit seeds the objects' SQLite files between two starts); `stateDir` is where it is.
 */
export async function startServers({
  root,
  scriptPath,
  workDir,
  appPort,
  helloPort = null,
  sheddingPort = null,
  calibrationPort = null,
  edgeIsolates = 0,
  shardCount,
  storage,
  vars = {},
  onWorkerLog,
  inspect = false,
  reuseState = false,
  keepState = false,
}) {
  const memoryRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const stateDir = storage === "memory" ? join(memoryRoot, `gala-shake-bench-${process.pid}`) : join(workDir, "state");
  if (!reuseState) rmSync(stateDir, { recursive: true, force: true });
  mkdirSync(stateDir, { recursive: true });
  const { modulesRules, assets, ratelimits, ...workerOptions } = await workerOptionsOf(root);
  const limiters = Object.fromEntries(Object.keys(ratelimits ?? {}).map((name) => [name, { name: LIMITER_WORKER, entrypoint: "Limiter" }]));
  const bindings = {
    ...workerOptions.bindings,
    SHARD_COUNT: String(shardCount),
    DEMO_MODE: "off",
    TIMELINE_TTL_MS: "2000",
    EDGE_RPS_CEILING: "1000000",
    SHARD_RPS_CEILING: "1000000",
    ISSUANCE_PACING: "off",
    // Claims settle once final: a short horizon, so open-settle after the lease scenarios measures settlement, not the wait (no bench client holds a claim to displace); the bench's --merge-horizon sets it.
    MERGE_HORIZON_MS: "2000",
    SHARED_RATE_LIMITS: "off",
    SESSION_SECRET,
    ADMIN_SECRET,
    DRAW_SECRET: "bench-draw-secret",
    ...vars,
  };
  const edge = { ...workerOptions, modules: true, scriptPath, serviceBindings: { ...workerOptions.serviceBindings, ...limiters } };
  // Another edge on the app's objects: it binds the app's object classes (one set of objects) and consumes nothing.
  const edgeOnAppObjects = (name, edgeBindings, port) => ({
    ...edge,
    name,
    bindings: edgeBindings,
    durableObjects: Object.fromEntries(
      Object.entries(workerOptions.durableObjects).map(([binding, object]) => [binding, { ...object, scriptName: APP_WORKER }]),
    ),
    queueConsumers: {},
    cronTriggers: [],
    unsafeDirectSockets: directSocket(port),
  });
  const sheddingEdge = edgeOnAppObjects(SHEDDING_WORKER, { ...bindings, EDGE_RPS_CEILING: "1" }, sheddingPort);
  const edges = Array.from({ length: edgeIsolates }, (_, i) => edgeOnAppObjects(`${EDGE_WORKER}-${i + 1}`, bindings, 0));
  const reference = [
    ...(helloPort === null ? [] : [{ name: "hello", modules: true, script: HELLO_WORLD, unsafeDirectSockets: directSocket(helloPort) }]),
    ...(calibrationPort === null ? [] : calibrationWorkers(calibrationPort)),
  ].map((worker) => ({ ...worker, compatibilityDate: workerOptions.compatibilityDate }));
  const [app, references] = await Promise.all([
    serve(
      [
        {
          ...edge,
          name: APP_WORKER,
          bindings,
          unsafeDirectSockets: directSocket(appPort),
          ...(inspect ? { unsafeInspectorProxy: true } : {}),
        },
        { name: LIMITER_WORKER, modules: true, script: ALWAYS_ALLOW, compatibilityDate: workerOptions.compatibilityDate },
        ...(sheddingPort === null ? [] : [sheddingEdge]),
        ...edges,
      ],
      {
        resourcePersistencePath: stateDir,
        ...(onWorkerLog ? { handleStructuredLogs: onWorkerLog } : {}),
        ...(inspect ? { inspectorPort: INSPECTOR_PORT } : {}),
      },
    ).then(async (started) => {
      if (!reuseState) await applyMigrations(started.mf, root);
      return started;
    }),
    reference.length > 0 ? serve(reference) : null,
  ]);
  const named = Object.fromEntries(Object.entries(references?.urls ?? {}).map(([name, url]) => [name, { url, pid: references.pid }]));
  return {
    app: { mf: app.mf, url: app.urls[APP_WORKER], pid: app.pid },
    stateDir,
    ...(sheddingPort === null ? {} : { shedding: { url: app.urls[SHEDDING_WORKER], pid: app.pid } }),
    ...(edgeIsolates === 0 ? {} : { edges: { urls: edges.map((e) => app.urls[e.name]), pid: app.pid } }),
    hello: named.hello ?? null,
    ...named,
    dispose: async () => {
      await Promise.all([app.mf.dispose(), references?.mf.dispose()]);
      if (storage === "memory" && !keepState) rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
