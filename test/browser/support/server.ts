/**
 * One browser-test server: the worker as a deployment bundles it (the one build of
 * load/bench/build.mjs, which `npm test` shares with its Node runs), its Durable Objects,
 * D1, queues, rate limits and the PWA's static assets behind Workers' asset router, in a
 * workerd started through Miniflare, what `wrangler dev` runs underneath, without wrangler's
 * Node side: each `wrangler dev` cost about 4 CPU s of its own and bundled the worker again,
 * twice a run. Storage is fresh in a directory of its own (on tmpfs where there is one), D1
 * migrated before the server is handed out; the worker's log lines go to
 * test/artifacts/worker-<n>.log.
 */
import { createWriteStream, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { workerOptionsOf } from "../../../load/bench/build.mjs";
import { applyMigrations } from "../../../load/bench/servers.mjs";
import { ADMIN_SECRET, ARTIFACTS } from "./paths";

/** The variables the tests run with, over wrangler.toml's development values. */
const VARS = {
  DEMO_MODE: "off",
  SHARD_COUNT: "4",
  TIMELINE_TTL_MS: "1000",
  // Pages read the published timeline every 0-1 s, so the clock test has its six polls in seconds.
  LIVE_POLL_MS: "1000",
  // Issuance pacing would hold back the small pools these tests drain in seconds; its own tests are in test/overload.
  ISSUANCE_PACING: "off",
  // Leased wins become final (and settle) seconds after their issue, not half a minute:
  // the isolate reports within 2 s, the merge horizon covers that and a flush.
  LEASE_REPORT_MS: "2000",
  MERGE_HORIZON_MS: "5000",
  ADMIN_SECRET,
  SESSION_SECRET: "browser-test-session-secret",
  DRAW_SECRET: "browser-test-draw-secret",
};

export interface Server {
  baseUrl: string;
  stop(): Promise<void>;
}

/** Starts server `n` on the bundle in `build` (a directory prepareBuild wrote); resolves once it answers. */
export async function startServer(n: number, root: string, build: string): Promise<Server> {
  const memoryRoot = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
  const state = mkdtempSync(join(memoryRoot, "gala-browser-"));
  const log = createWriteStream(join(ARTIFACTS, `worker-${n}.log`));
  // The bundle is built: no module rules (Miniflare's v5 options have none).
  const { modulesRules: _built, ...options } = await workerOptionsOf(root);
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({
      workers: [
        {
          ...options,
          name: "gala-shake-dev",
          modules: true,
          scriptPath: join(build, "index.js"),
          bindings: { ...options.bindings, ...VARS },
        },
      ],
    }),
    host: "127.0.0.1",
    port: 0,
    resourcePersistencePath: state,
    handleStructuredLogs: ({ level, message }: { level: string; message: string }) => log.write(`${level} ${message}\n`),
  });
  const stop = async () => {
    await mf.dispose();
    log.end();
    rmSync(state, { recursive: true, force: true });
  };
  try {
    const url = await mf.ready;
    await applyMigrations(mf, root);
    return { baseUrl: url.origin, stop };
  } catch (err) {
    await stop().catch(() => undefined);
    throw err;
  }
}
