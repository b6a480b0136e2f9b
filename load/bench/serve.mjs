/**
 * `npm run bench:serve`: the bench's app server alone, kept up for an outside load
 * generator (k6: docs/load-testing.md). The worker is bundled and served exactly as
 * `npm run bench` serves it (direct socket, no dev proxy, objects' SQLite on tmpfs, the
 * bench's settings), on http://127.0.0.1:8808 with the admin secret printed below. Ctrl-C
 * (or SIGTERM) stops it. Options: --shards N (16), --port N (8808; 0: any free port),
 * --smoke (serve on free ports, shake once per viewer of a few, check every answer and the
 * audit, stop: `npm test` runs it; exit code 1 when anything is off).
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { callJson } from "./http.mjs";
import { ADMIN_SECRET, SESSION_SECRET, bundleWorker, startServers } from "./servers.mjs";
import { AdminClient } from "./show.mjs";
import { mintUsers } from "./users.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const { values: opts } = parseArgs({
  options: {
    shards: { type: "string", default: "16" },
    port: { type: "string" },
    smoke: { type: "boolean", default: false },
  },
});
const port = Number(opts.port ?? (opts.smoke ? 0 : 8808));
const shardCount = Number(opts.shards);

const servers = await startServers({
  root: ROOT,
  scriptPath: bundleWorker(join(OUT, "bundle")),
  workDir: OUT,
  appPort: port,
  helloPort: port === 0 ? 0 : port + 1,
  calibrationPort: port === 0 ? 0 : port + 2,
  shardCount,
  storage: "memory",
});
console.log(`serving ${servers.app.url} (hello-world on ${servers.hello.url}); ADMIN_SECRET=${ADMIN_SECRET}; Ctrl-C stops`);

/** What a k6 run needs of the server: hello-world, a shake per viewer answered `rest`, a balanced audit. */
async function smoke() {
  const problems = [];
  const hello = await fetch(servers.hello.url);
  if (!hello.ok) problems.push(`hello-world answered ${hello.status}`);
  const tokens = await mintUsers({ count: 20, secret: SESSION_SECRET, shardCount });
  const answers = await Promise.all(tokens.map((token, i) => callJson(servers.app.url, "POST", `/api/shake/serve-smoke-${i}`, token)));
  const kinds = answers.map((a) => (a.status === 200 ? a.body.kind : `http-${a.status}`));
  if (kinds.some((k) => k !== "rest")) problems.push(`shakes answered ${kinds.join(", ")} (expected rest)`);
  const audit = await new AdminClient(servers.app.url, ADMIN_SECRET).audit();
  if (!audit.balanced) problems.push("the audit does not balance");
  for (const problem of problems) console.error(`bench:serve smoke: ${problem}`);
  console.log(`bench:serve smoke: ${problems.length === 0 ? "passed" : "FAILED"}`);
  return problems.length === 0 ? 0 : 1;
}

const stop = async (code = 0) => {
  await servers.dispose();
  process.exit(code);
};
if (opts.smoke) await stop(await smoke().catch((err) => (console.error(err), 1)));
process.on("SIGINT", () => stop());
process.on("SIGTERM", () => stop());
