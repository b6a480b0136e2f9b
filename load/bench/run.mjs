/**
 * `npm run bench`: the local benchmark. Bundles the worker, starts it and a hello-world
 * worker on workerd (see servers.mjs), then for every
 * scenario drives load from a separate process on 127.0.0.1, audits the money, and prints
 * req/s, p50/p99, errors and the ratio to the hello-world ceiling measured in this run.
 * Writes bench-results/bench-<time>.json and bench-results/latest.json.
 *
 * Options: --duration S (measured seconds per scenario, default 8), --warmup S (default 2),
 * --connections N (default 50), --only name,name (hello-world always runs, and so do the
 * calibration worker and paced hello-world a chosen scenario is compared with), --shards N,
 * --storage memory|disk (where the objects' SQLite lives: tmpfs, the default, or bench-results/state),
 * --profile name,name (a V8 CPU profile of the app during those scenarios, profile.mjs),
 * --wire lean|json (how the shake scenarios send shakes; json for a checkout without the lean wire),
 * --isolates N (edge isolates of the scenarios that target "edges", default 16, 2 in a smoke run),
 * --merge-horizon MS (MERGE_HORIZON_MS; by default the one the chosen scenarios declare, `mergeHorizonMs`, when
 * they agree, else 2000: lease shards flush merges every quarter of it, and claims settle once final after it),
 * --smoke (every scenario for 200 requests on 4 shards with a twentieth of the viewers and envelopes:
 * checks the harness, not the machine; `npm test` runs it, smoke.mjs). Servers listen on free ports.
 * Exit code 1 when money does not balance after a scenario, a scenario gets more than 0.5 % answers
 * of kinds it does not expect (answers.mjs), or a scenario cannot run.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { cpus, loadavg, totalmem } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { describeUnexpected } from "./answers.mjs";
import { runScenario, stopDriver } from "./scenario-run.mjs";
import { SCENARIOS } from "./scenarios.mjs";
import { ADMIN_SECRET, SESSION_SECRET, bundleWorker, startServers, workerdVersion } from "./servers.mjs";
import { AdminClient } from "./show.mjs";
import { mintUsers } from "./users.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const WATCHDOG_MS = 10 * 60_000;
/** The servers of the run under way, stopped on any way out. */
let running = null;

const { values: opts } = parseArgs({
  options: {
    duration: { type: "string" },
    warmup: { type: "string" },
    connections: { type: "string", default: "50" },
    only: { type: "string" },
    shards: { type: "string" },
    storage: { type: "string", default: "memory" },
    profile: { type: "string" },
    wire: { type: "string", default: "lean" },
    isolates: { type: "string" },
    "merge-horizon": { type: "string" },
    smoke: { type: "boolean", default: false },
  },
});
/**
 * Smoke runs: requests measured per scenario, the share of a scenario's viewers and envelopes
 * they use, and the fewest viewers a smoke run scales a count down to (enough that no viewer
 * reaches the shake limit).
 */
const SMOKE_REQUESTS = 200;
const SMOKE_SHARE = 1 / 20;
const SMOKE_MIN_VIEWERS = 250;
const smoke = opts.smoke;
opts.duration ??= smoke ? "0.5" : "8";
opts.warmup ??= smoke ? "0" : "2";
opts.shards ??= smoke ? "4" : "16";
opts.isolates ??= smoke ? "2" : "16";
const durationSec = Number(opts.duration);
const warmupSec = Number(opts.warmup);
const connections = Number(opts.connections);
const shardCount = Number(opts.shards);
const only = opts.only ? new Set(["hello-world", ...opts.only.split(",")]) : null;
for (const scenario of only ? SCENARIOS : []) {
  if (!only.has(scenario.name)) continue;
  for (const other of [scenario.wire, scenario.pacedAgainst, scenario.needs]) if (other) only.add(other);
}
const profiled = new Set(opts.profile ? opts.profile.split(",") : []);
const chosen = SCENARIOS.filter((s) => !only || only.has(s.name));
const declared = new Set(chosen.map((s) => s.mergeHorizonMs).filter(Boolean));
const mergeHorizonMs = Number(opts["merge-horizon"] ?? (declared.size === 1 ? [...declared][0] : 2000));
/** Edge isolates on the app's objects: started only when a scenario of this run targets them. */
const edgeIsolates = chosen.some((s) => s.target === "edges") ? Number(opts.isolates) : 0;

const fmt = (n, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

function printRow(r) {
  const targets = r.verdicts.map((v) => `${v.met ? "met" : "MISSED"} ${v.target}`).join("; ");
  console.log(
    [
      r.name.padEnd(18),
      fmt(r.rps).padStart(7),
      `${fmt(r.p50Ms, 1)}`.padStart(6),
      `${fmt(r.p99Ms, 1)}`.padStart(6),
      String(r.errors).padStart(6),
      `${fmt(100 * r.ratio, 1)}%`.padStart(7),
      (r.serverCpuUsPerReq === null ? "-" : fmt(r.serverCpuUsPerReq)).padStart(7),
      (r.cpuRatio === null ? "-" : `${fmt(100 * r.cpuRatio, 1)}%`).padStart(8),
      (r.wireCpuRatio ? `${fmt(100 * r.wireCpuRatio, 1)}%` : "-").padStart(8),
      (r.p99VsHello ? `${fmt(r.p99VsHello, 2)}x` : "-").padStart(7),
      (r.envelopesPerShardCall ? fmt(r.envelopesPerShardCall, 1) : "-").padStart(8),
      (r.money ? (r.money.balanced ? "balanced" : "UNBALANCED") : "-").padEnd(10),
      targets,
    ].join("  "),
  );
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const started = new Date();
  const wrangler = JSON.parse(readFileSync(join(ROOT, "node_modules/wrangler/package.json"), "utf8")).version;
  const machine = {
    cpu: cpus()[0]?.model ?? "unknown",
    cores: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    loadAverageAtStart: loadavg().map((n) => Math.round(n * 100) / 100),
    node: process.version,
    wrangler,
    workerd: workerdVersion(),
    platform: `${process.platform}-${process.arch}`,
  };
  console.log(`bench: ${machine.cores} x ${machine.cpu}, load average ${machine.loadAverageAtStart.join(" ")}`);
  console.log(
    `bench: ${smoke ? `smoke run, ${SMOKE_REQUESTS} requests` : `${durationSec}s`} measured + ${warmupSec}s warm-up per scenario, ${connections} connections, ${shardCount} shards, ${edgeIsolates > 0 ? `${edgeIsolates} edge isolates, ` : ""}merge horizon ${mergeHorizonMs} ms, storage ${opts.storage}`,
  );

  const scriptPath = bundleWorker(join(OUT, "bundle"));
  const servers = await startServers({
    root: ROOT,
    scriptPath,
    workDir: OUT,
    appPort: 0,
    helloPort: 0,
    sheddingPort: 0,
    calibrationPort: 0,
    edgeIsolates,
    inspect: profiled.size > 0,
    shardCount,
    storage: opts.storage,
    // A smoke run's isolate reports its leased claims within half a second: its wait for them stays short.
    vars: { MERGE_HORIZON_MS: String(mergeHorizonMs), ...(smoke ? { LEASE_REPORT_MS: "500" } : {}) },
    // One JSON line per money event would flood the terminal; BENCH_LOGS=1 shows them.
    ...(process.env.BENCH_LOGS === "1" ? {} : { onWorkerLog: () => {} }),
  });
  running = servers;
  const admin = new AdminClient(servers.app.url, ADMIN_SECRET);
  const ctx = {
    admin,
    appUrl: servers.app.url,
    shardCount,
    wire: opts.wire,
    secondsPerRun: durationSec + warmupSec,
    // The audit reads every shard on the app's one thread: poll it sparingly (4 shards in a smoke run).
    pollMs: smoke ? 200 : 1_000,
    /** A count that does not follow the run's length (envelopes of a pool, group senders): a share of it in a smoke run. */
    size: (n) => (smoke ? Math.ceil(n * SMOKE_SHARE) : n),
    users: ({ count, ...o }) =>
      mintUsers({
        ...o,
        count: smoke ? Math.min(count, Math.max(SMOKE_MIN_VIEWERS, Math.ceil(count * SMOKE_SHARE))) : count,
        secret: SESSION_SECRET,
        shardCount,
      }),
  };
  const results = {};
  const rows = [];
  /** What failed a scenario that ran: answers of kinds it does not expect, its own problems. */
  const unexpected = [];
  let failed = false;
  console.log(
    `\n${"scenario".padEnd(18)}  ${"req/s".padStart(7)}  ${"p50".padStart(6)}  ${"p99".padStart(6)}  ${"errors".padStart(6)}  ${"ceiling".padStart(7)}  ${"cpu µs".padStart(7)}  ${"cpu ceil".padStart(8)}  ${"cpu wire".padStart(8)}  ${"p99/hw".padStart(7)}  ${"env/call".padStart(8)}  money`,
  );
  try {
    for (const scenario of SCENARIOS) {
      if (only && !only.has(scenario.name)) continue;
      if (scenario.needs && !results[scenario.needs]) {
        console.log(`${scenario.name.padEnd(18)}  skipped: needs ${scenario.needs}`);
        continue;
      }
      const scenarioStarted = Date.now();
      try {
        const row = await runScenario(scenario, {
          ctx,
          servers,
          results,
          connections,
          warmupSec,
          durationSec,
          requests: smoke ? SMOKE_REQUESTS : null,
          outDir: OUT,
          profile: profiled.has(scenario.name),
        });
        row.wallSec = (Date.now() - scenarioStarted) / 1_000;
        if (row.money && !row.money.balanced) failed = true;
        results[scenario.name] = row;
        rows.push(row);
        printRow(row);
        if (!row.answers.passed) unexpected.push(describeUnexpected(scenario.name, row.answers));
        for (const problem of row.problems ?? []) unexpected.push(`${scenario.name}: ${problem}`);
        if (!row.answers.passed || row.problems?.length) failed = true;
      } catch (err) {
        failed = true;
        console.error(`${scenario.name}: could not run: ${err.message}`);
        rows.push({ name: scenario.name, failed: String(err.message) });
      }
    }
  } finally {
    stopDriver();
    await servers.dispose();
  }
  const report = {
    startedAt: started.toISOString(),
    command: `npm run bench -- ${process.argv.slice(2).join(" ")}`.trim(),
    runtime: `workerd via Miniflare direct sockets (no dev proxy, no entry worker), SQLite ${opts.storage === "memory" ? "on tmpfs" : "on local disk"}`,
    machine,
    settings: { durationSec, warmupSec, connections, shardCount, edgeIsolates, mergeHorizonMs, smoke },
    passed: !failed,
    unexpected,
    scenarios: rows,
  };
  // A smoke run leaves the last measured run's files alone.
  const file = join(OUT, smoke ? "bench-smoke.json" : `bench-${started.toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (!smoke) writeFileSync(join(OUT, "latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nwrote ${file}`);
  for (const row of rows) {
    if (row.settledPerSecond !== undefined) {
      console.log(
        `${row.name}: ${fmt(row.settledPerSecond)} settlements per second into the ledger, ${row.notSettledAfterWait} opened envelopes not settled after the wait`,
      );
    }
    if (row.money?.claimedDuringRun)
      console.log(`${row.name}: ${fmt(row.money.claimedDuringRun / durationSec)} envelopes won per measured second (audit delta)`);
    if (row.shardCalls) {
      const c = row.shardCalls;
      console.log(
        `${row.name}: ${fmt(row.envelopesPerShardCall ?? 0, 1)} envelopes per shard call (${fmt(row.money.claimedDuringRun)} claimed / (${fmt(c.leaseExchanges)} lease exchanges + ${fmt(c.mergeCalls)} merge calls + ${fmt(c.fallbackClaims)} fallback claims)), ${fmt(c.voided)} voided; ` +
          `${fmt(row.reports.envelopesAnswered)} envelopes answered in all passes (${fmt(row.reports.unanswered)} requests unanswered when a pass stopped), ${fmt(row.reports.recorded)} claims recorded ${fmt(row.reports.waitedMs / 1_000, 1)} s after the load`,
      );
      const whole = row.wholeScenario;
      if (whole)
        console.log(
          `${row.name}: ${fmt(whole.envelopesPerShardCall ?? 0, 1)} envelopes per shard call over the whole scenario, from its first shake until every envelope was recorded (${fmt(whole.envelopesRecorded)} recorded / (${fmt(whole.shardCalls.leaseExchanges)} lease exchanges + ${fmt(whole.shardCalls.mergeCalls)} merge calls + ${fmt(whole.shardCalls.fallbackClaims)} fallback claims))`,
        );
      if (row.largestLent)
        console.log(
          `${row.name}: at most ${fmt(row.largestLent.envelopes)} envelopes out on lease at once (${row.largestLent.samples} audits, one every ${row.largestLent.everyMs} ms)`,
        );
      const v = row.voids;
      console.log(
        `${row.name}: ${fmt(v.total)} leased claims voided in all passes; ${fmt(v.afterLostAnswers.presented)} later claims of the ${fmt(v.afterLostAnswers.viewers)} viewers whose answer was lost presented: voided ${JSON.stringify(v.afterLostAnswers.voided)}; ` +
          `${fmt(v.unexplained)} voids of viewers whose answers all arrived`,
      );
    }
  }
  for (const line of unexpected) console.error(`FAILED ${line}`);
  console.log(
    failed
      ? "bench FAILED (money did not balance, a scenario got answers it does not expect, or could not run)"
      : "bench passed: money balanced and answers as expected in every scenario",
  );
  return failed ? 1 : 0;
}

function abandon(reason) {
  console.error(`bench: ${reason}; stopping the servers`);
  running?.dispose();
  process.exit(1);
}

const watchdog = setTimeout(() => abandon(`still running after ${WATCHDOG_MS / 60_000} minutes`), WATCHDOG_MS);
process.on("SIGINT", () => abandon("interrupted"));
process.on("SIGTERM", () => abandon("terminated"));
watchdog.unref();
process.exitCode = await main();
