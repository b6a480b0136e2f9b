/**
 * `npm run bench:serve`: the bench's app server alone, kept up for an outside load
 * generator (k6: docs/load-testing.md). The worker is bundled and served exactly as
 * `npm run bench` serves it (direct socket, no dev proxy, objects' SQLite on tmpfs, the
 * bench's settings), on http://127.0.0.1:8808 with the admin secret printed below. Ctrl-C
 * (or SIGTERM) stops it. Options: --shards N (16), --port N (8808).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { ADMIN_SECRET, bundleWorker, startServers } from "./servers.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const { values: opts } = parseArgs({
  options: { shards: { type: "string", default: "16" }, port: { type: "string", default: "8808" } },
});

const servers = await startServers({
  root: ROOT,
  scriptPath: bundleWorker(join(OUT, "bundle")),
  workDir: OUT,
  appPort: Number(opts.port),
  helloPort: Number(opts.port) + 1,
  calibrationPort: Number(opts.port) + 2,
  shardCount: Number(opts.shards),
  storage: "memory",
});
console.log(`serving ${servers.app.url} (hello-world on ${servers.hello.url}); ADMIN_SECRET=${ADMIN_SECRET}; Ctrl-C stops`);
const stop = async () => {
  await servers.dispose();
  process.exit(0);
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
