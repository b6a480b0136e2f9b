/**
 * One rehearsal, start to end: bundle the worker and start it on workerd (the benchmark's
 * runtime path, with the deployed shard ceiling and issuance pacing), load the compressed
 * show and its pools, start the viewer process, sample the show, take the operator's step
 * in the middle, stop the viewers at the end, let settlement finish, audit, and judge.
 * Every wait is bounded, and a watchdog stops the servers and the viewers if the whole run
 * outlives its bound. Returns the record; writing it is publish.ts's job.
 */
import { fork, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, rmSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import type { Miniflare } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import type { AuditReport, Timeline } from "../../src/wire/index.ts";
import { ADMIN_SECRET, bundleWorker, startServers, workerdVersion } from "../bench/servers.mjs";
import { AdminClient } from "../bench/show.mjs";
import type { FleetMessage, FleetSpec } from "./fleet.ts";
import { operatorStep } from "./operator.ts";
import { progressLine } from "./progress.ts";
import type { RehearsalRecord } from "./record.ts";
import type { OperatorStep, RehearsalSettings } from "./samples.ts";
import { backlogSample, poolSample, Sampler } from "./sampler.ts";
import { rehearsalShow } from "./show.ts";
import type { FleetSecond } from "./tally.ts";
import { verdict } from "./verdict.ts";

export const ROOT = resolve(import.meta.dirname, "../..");

export interface RehearsalOptions extends Omit<RehearsalSettings, "ceilingPerSec"> {
  outDir: string;
  appPort: number;
  storage: "memory" | "disk";
  /** Milliseconds the viewers take to arrive before the first phase. */
  rampMs: number;
  timelineTtlMs: number;
  command: string;
  onProgress(line: string): void;
  /** Runs after settlement and before the final audit (the tests break the money here). */
  beforeAudit?(mf: Miniflare): Promise<void>;
}

/**
 * Between a run and its watchdog: the watchdog sets `requested`, which the run checks at
 * start-up and every second of the show, and calls `stop` once the run has registered it.
 */
export interface Abandon {
  requested: boolean;
  stop: (() => Promise<void>) | null;
}

/** How long the watchdog waits for a run still starting up to notice it was abandoned. */
const STARTUP_GRACE_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A setting the deployment runs with (wrangler.toml, production). */
function deployed(name: "SHARD_RPS_CEILING" | "EDGE_RPS_CEILING"): string {
  const { bindings } = unstable_getMiniflareWorkerOptions(join(ROOT, "wrangler.toml"), "production").workerOptions;
  return String((bindings as Record<string, unknown>)[name]);
}

function startFleet(spec: FleetSpec, seconds: FleetSecond[]): { child: ChildProcess; done: Promise<void> } {
  const child = fork(join(import.meta.dirname, "fleet.ts"), [JSON.stringify(spec)], {
    execArgv: [],
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const done = new Promise<void>((resolveDone) => {
    child.on("message", (m: FleetMessage) => {
      seconds.push(m.second);
      if (m.done) resolveDone();
    });
    child.on("exit", () => resolveDone());
  });
  return { child, done };
}

/** Reads the audit every 250 ms until `done` holds or the bound passes. */
async function auditUntil(admin: AdminClient, boundMs: number, done: (audit: AuditReport) => boolean): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    if (done((await admin.audit()) as AuditReport)) return;
    await sleep(250);
  }
}

/** No leased claim still merging into its home shard (its claim is not at home yet: not claimed, not settled). */
const merged = (audit: AuditReport) => audit.leases.merging === 0;
/** Merged, and no claim pending settlement: the final audit reads the show's end, not money in motion. */
const settled = (audit: AuditReport) => merged(audit) && audit.settlement.pools.every((p) => p.pendingCount === 0);

export async function rehearse(o: RehearsalOptions, abandon: Abandon = { requested: false, stop: null }): Promise<RehearsalRecord> {
  const startedAt = new Date();
  const settings: RehearsalSettings = {
    viewers: o.viewers,
    speedup: o.speedup,
    shards: o.shards,
    poolTolerance: o.poolTolerance,
    settleBoundMs: o.settleBoundMs,
    ceilingPerSec: Number(deployed("SHARD_RPS_CEILING")),
  };
  const machine = {
    cores: cpus().length,
    cpu: cpus()[0]?.model ?? "unknown",
    loadAverageAtStart: loadavg().map((x) => Math.round(x * 100) / 100),
    node: process.version,
    workerd: workerdVersion(),
  };
  // The worker's log lines (one JSON line per money event) go to a file beside the report.
  mkdirSync(o.outDir, { recursive: true });
  const workerLog = createWriteStream(join(o.outDir, "rehearsal-worker.log"));
  // workerd resolves the bundle's modules from the repository: keep it inside, one per process.
  const bundleDir = join(ROOT, "bench-results", `rehearsal-bundle-${process.pid}`);
  const servers = await startServers({
    root: ROOT,
    scriptPath: bundleWorker(bundleDir),
    workDir: o.outDir,
    appPort: o.appPort,
    shardCount: o.shards,
    storage: o.storage,
    vars: {
      SHARD_RPS_CEILING: String(settings.ceilingPerSec),
      EDGE_RPS_CEILING: deployed("EDGE_RPS_CEILING"),
      ISSUANCE_PACING: "on",
      // The compressed show reports leased wins within 2 s, so their claims are final (and settle) 5 s after their issue, inside the settlement bound.
      LEASE_REPORT_MS: "2000",
      MERGE_HORIZON_MS: "5000",
      STATS_FLUSH_MS: "1000",
      TIMELINE_TTL_MS: String(o.timelineTtlMs),
    },
    onWorkerLog: (line: { level: string; message: string }) => workerLog.write(`${line.level} ${line.message}\n`),
  });
  let fleet: { child: ChildProcess; done: Promise<void> } | null = null;
  const sampler = new Sampler(new AdminClient(servers.app.url, ADMIN_SECRET));
  let stopped: Promise<void> | null = null;
  const stopAll = () => {
    stopped ??= (async () => {
      sampler.stop();
      fleet?.child.kill();
      await servers.dispose();
      workerLog.end();
      rmSync(bundleDir, { recursive: true, force: true });
    })();
    return stopped;
  };
  abandon.stop = stopAll;
  try {
    if (abandon.requested) throw new Error("abandoned during start-up");
    const admin = new AdminClient(servers.app.url, ADMIN_SECRET);
    const show = rehearsalShow(Date.now() + o.rampMs + 2_000, o.speedup, o.viewers);
    const { timeline } = await admin.call("GET", "/timeline");
    await admin.call("PUT", "/timeline", { expectedVersion: timeline?.version ?? 0, timeline: show.timeline });
    for (const pool of show.pools) await admin.call("POST", "/pools", pool);
    const seconds: FleetSecond[] = [];
    fleet = startFleet(
      {
        baseUrl: servers.app.url,
        viewers: o.viewers,
        rampMs: o.rampMs,
        maxSockets: 256,
        splitPools: show.splitPools,
        shareRate: 0.5,
        friendsPerGroup: 7,
        walletWatchMs: o.settleBoundMs * 2,
      },
      seconds,
    );
    sampler.start();
    let operator: OperatorStep | null = null;
    const stepTaken = sleep(show.operator.at - Date.now()).then(async () => (operator = await operatorStep(admin, show.operator)));
    while (Date.now() < show.showEnd + 1_000) {
      await sleep(1_000);
      if (abandon.requested) throw new Error("abandoned during the show");
      o.onProgress(
        progressLine(show.showStart, show.showEnd, seconds.at(-1), sampler.stats.at(-1), sampler.pools.at(-1), sampler.backlog.at(-1)),
      );
    }
    await stepTaken;
    fleet.child.send({ kind: "stop" });
    await fleet.done;
    sampler.stop();
    // The last leased claims reach their homes first, so the sweep of the closed phases sends them too.
    await auditUntil(admin, o.settleBoundMs, merged);
    await admin.call("POST", "/show-clock/tick");
    await admin.call("POST", "/settlements/sweep");
    await auditUntil(admin, o.settleBoundMs, settled);
    await sampler.sample();
    if (o.beforeAudit) await o.beforeAudit(servers.app.mf);
    const auditFrom = Date.now();
    const finalAudit = (await admin.audit()) as AuditReport;
    const pools = [...sampler.pools, poolSample(finalAudit, Date.now(), Date.now() - auditFrom)];
    const backlog = [...sampler.backlog, backlogSample(finalAudit, Date.now(), Date.now() - auditFrom)];
    const { phases } = ((await admin.call("GET", "/timeline")) as { timeline: Timeline }).timeline;
    const judged = verdict({ settings, phases, fleet: seconds, stats: sampler.stats, pools, finalAudit });
    return {
      startedAt: startedAt.toISOString(),
      command: o.command,
      runtime:
        "workerd via Miniflare direct sockets (the bench's path), issuance pacing on, SQLite " +
        (o.storage === "memory" ? "on tmpfs" : "on disk"),
      machine,
      settings,
      showStart: show.showStart,
      showEnd: show.showEnd,
      phases,
      operator,
      fleet: seconds,
      stats: sampler.stats,
      pools,
      backlog,
      finalAudit,
      verdict: judged,
    };
  } finally {
    await stopAll();
  }
}

/**
 * `rehearse` with a bound: past `boundMs` the run is abandoned and rejected once its
 * servers and viewers are stopped (a run still starting up stops itself as soon as its
 * servers exist, within a grace period).
 */
export async function rehearseWithin(o: RehearsalOptions, boundMs: number): Promise<RehearsalRecord> {
  let timer: NodeJS.Timeout | undefined;
  const abandon: Abandon = { requested: false, stop: null };
  const run = rehearse(o, abandon);
  const settled = run.then(
    () => {},
    () => {},
  );
  const watchdog = new Promise<never>((_, reject) => {
    timer = setTimeout(async () => {
      abandon.requested = true;
      await (abandon.stop ? abandon.stop() : Promise.race([settled, sleep(STARTUP_GRACE_MS)]));
      reject(new Error(`rehearsal still running after ${Math.round(boundMs / 1000)} s: servers and viewers stopped`));
    }, boundMs);
  });
  try {
    return await Promise.race([run, watchdog]);
  } catch (err) {
    // A run that stopped because it was abandoned: answer with the watchdog, once it has stopped everything.
    if (abandon.requested) return await watchdog;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}
