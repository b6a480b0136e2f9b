/**
 * `npm run bench:audit`: what the operator's audit and one repair run cost as the night's
 * history grows (issue 26). For each size (`--sizes`, default 10000,100000,1000000 claims):
 * 1. a fresh app (workerd via Miniflare direct sockets, SQLite on tmpfs) with a live lottery
 *    whose three pools hold the envelopes; one audit creates every shard and ledger partition;
 * 2. the app stops and the claims are seeded straight into the objects' SQLite files (Node's
 *    SQLite): each claim takes an envelope of its user's shard out of stock, all but
 *    `IN_MOTION` of them settled, with their ledger rows and wallets in their partitions; the
 *    objects' own triggers keep their running totals, as they do for the app's writes;
 * 3. the app starts again on those files; after one warm-up audit, `GET /api/admin/audit` is
 *    timed `--runs` times (the median is reported), then the first sponsor's statement
 *    (`GET /api/admin/sponsors/{id}/statement`) the same way (`statementMs`, the median; it must
 *    reconcile), then `POST /api/admin/repair` once (the cron's bound, 2 minutes: the claims in
 *    motion are younger, so it finds nothing to resend).
 * 4. the deep checks, disarmed by the seeding, are armed again: the shards' (claims and their
 *    settlement states against the totals) by the show clock's first tick after the start (the
 *    bench waits for their runs before it times anything), the ledger partitions' (wallets
 *    against their rows) by that repair. They run from each object's alarm in slices; the bench waits for every object's run to finish and reports, from the
 *    runs the audit shows (`deepChecks`), rows per second of slice time and the longest slice,
 *    each slice timed on its object's clock (`deepCheck`: wallets, `claimsCheck`: claims).
 * 5. before the timed calls, `--groups` seeded viewers each send a wallet-funded group envelope
 *    of `--shares` shares (200, the most an envelope holds) and as many viewers grab every share
 *    (audit-groups.mjs); after everything else, a repair of all that is due now visits each
 *    envelope, whose visit runs its alarm and so its deep check, one slice over all its grab
 *    rows. Their last runs are read from the envelopes' storage after the app stops
 *    (`groupCheck`, the same figures, and the check's query timed on the files).
 * The audit must balance with the claims in motion pending.
 *
 * Writes bench-results/audit-<time>.json and audit-latest.json (`rows: [{ claims, auditMs,
 * repairMs, statementMs }]`). Options: --sizes, --runs N (default 5), --shards N (default 16),
 * --partitions N (default 4), --groups N (default 10), --shares N (default 200), --smoke (2,000
 * claims, 4 shards, 2 partitions, 2 runs, 2 envelopes of 50 shares: checks the script, `npm test`
 * runs it). Exit code 1 when an audit does not balance; a crash or a group envelope's check that
 * did not read all its grabs (or found a difference) stops the run.
 */
import { machineAtStart } from "./cpu.mjs";
import { readdirSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { parseArgs } from "node:util";
import { shardOf } from "../../src/domain/hash.ts";
import { ADMIN_SECRET, SESSION_SECRET, bundleWorker, startServers } from "./servers.mjs";
import { callJson } from "./http.mjs";
import { AdminClient, SPONSORS } from "./show.mjs";
import { fillGroups, groupCheckRuns, queryFigures } from "./audit-groups.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
/** Claims left in motion (opened and sent, not settled yet) at every size. */
const IN_MOTION = 50;
/** The repair's bound: the minute cron's (wrangler.toml REPAIR_AFTER_MS). */
const REPAIR_AFTER_MS = 120_000;

const { values: opts } = parseArgs({
  options: {
    sizes: { type: "string" },
    runs: { type: "string" },
    shards: { type: "string" },
    partitions: { type: "string" },
    groups: { type: "string" },
    shares: { type: "string" },
    smoke: { type: "boolean", default: false },
  },
});
opts.sizes ??= opts.smoke ? "2000" : "10000,100000,1000000";
opts.runs ??= opts.smoke ? "2" : "5";
opts.shards ??= opts.smoke ? "4" : "16";
opts.partitions ??= opts.smoke ? "2" : "4";
opts.groups ??= opts.smoke ? "2" : "10";
opts.shares ??= opts.smoke ? "50" : "200";
const shardCount = Number(opts.shards);
const partitions = Number(opts.partitions);
const runs = Number(opts.runs);
const groupCount = Number(opts.groups);
const shares = Number(opts.shares);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timed(body) {
  const started = performance.now();
  const result = await body();
  return { ms: Math.round(performance.now() - started), result };
}

/** Loading a million envelopes takes minutes on a busy machine: the pools are created with a longer wait than AdminClient's. */
const POOL_TIMEOUT_MS = 15 * 60_000;

/** The lottery's pools, one per sponsor, of `count` envelopes of 2.00 on average (about half of them enough to send a group envelope of 200 shares). */
async function createPools(url, count) {
  await Promise.all(
    SPONSORS.map(async (sponsorId) => {
      const body = { phaseId: "claims", sponsorId, budgetCents: count * 200, count };
      const res = await callJson(url, "POST", "/api/admin/pools", ADMIN_SECRET, body, POOL_TIMEOUT_MS, { origin: url });
      if (!res.ok) throw new Error(`POST /pools: ${res.status} ${res.text}`);
    }),
  );
}

/** The SQLite file of each named object of a class: name → path. */
async function objectFiles(mf, stateDir, binding, names) {
  const namespace = await mf.getDurableObjectNamespace(binding);
  const files = new Map();
  const walk = (dir) =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
  const all = walk(stateDir);
  for (const name of names) {
    const id = namespace.idFromName(name).toString();
    const file = all.find((f) => f.endsWith(`${id}.sqlite`));
    if (!file) throw new Error(`no SQLite file for ${binding} ${name}`);
    files.set(name, file);
  }
  return files;
}

/** Seeds `claims` claims into the shards' and partitions' files; returns how many it seeded and `groupCount` settled winners of at least `shares` cents. */
function seed(claims, shardFiles, partitionFiles, now) {
  const byShard = Array.from({ length: shardCount }, () => []);
  for (let i = 0; i < claims; i++) {
    const userId = `bench-u${i}`;
    byShard[shardOf(userId, shardCount)].push(userId);
  }
  const credits = Array.from({ length: partitions }, () => []);
  let seeded = 0;
  const senders = [];
  for (let shard = 0; shard < shardCount; shard++) {
    const db = new DatabaseSync(shardFiles.get(`shard-${shard}`));
    const stock = db
      .prepare(
        `SELECT e.envelope_id, e.pool_id, e.amount, p.phase_id, p.sponsor_id FROM envelopes e JOIN pools p ON p.pool_id = e.pool_id
          ORDER BY e.rowid LIMIT ?`,
      )
      .all(byShard[shard].length);
    const claim = db.prepare(
      `INSERT INTO claims (claim_id, envelope_id, user_id, request_id, pool_id, phase_id, sponsor_id, amount, claimed_at, gala_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'bench')`,
    );
    const take = db.prepare("DELETE FROM envelopes WHERE envelope_id = ?");
    const state = db.prepare("INSERT INTO claim_state (claim_id, opened_at, enqueued_at, settled_at) VALUES (?, ?, ?, ?)");
    db.exec("BEGIN");
    stock.forEach((e, k) => {
      const userId = byShard[shard][k];
      const claimId = `claim-${userId}`;
      const inMotion = seeded < IN_MOTION;
      take.run(e.envelope_id);
      claim.run(claimId, e.envelope_id, userId, `r-${userId}`, e.pool_id, e.phase_id, e.sponsor_id, e.amount, now);
      state.run(claimId, now, now, inMotion ? null : now);
      if (!inMotion) credits[shardOf(`ledger:${userId}`, partitions)].push({ userId, claimId, ...e });
      if (!inMotion && e.amount >= shares && senders.length < groupCount) senders.push(userId);
      seeded++;
    });
    db.exec("COMMIT");
    db.exec("DELETE FROM deep_check; DELETE FROM deep_findings");
    db.close();
  }
  credits.forEach((rows, partition) => {
    const db = new DatabaseSync(partitionFiles.get(`ledger-${partition}`));
    const row = db.prepare(
      `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, claim_id, pool_id, phase_id, sponsor_id, created_at)
       VALUES (?, ?, 'envelope', ?, ?, ?, ?, ?, ?)`,
    );
    const wallet = db.prepare("INSERT INTO wallets (user_id, balance_cents, updated_at) VALUES (?, ?, ?)");
    db.exec("BEGIN");
    for (const c of rows) {
      row.run(`claim:${c.claimId}`, c.userId, c.amount, c.claimId, c.pool_id, c.phase_id, c.sponsor_id, now);
      wallet.run(c.userId, c.amount, now);
    }
    db.exec("COMMIT");
    // Disarmed: the repair of step 3 arms the deep checks again, and their first runs read the seeded rows.
    db.exec("DELETE FROM deep_check; DELETE FROM deep_findings");
    db.close();
  });
  // The claims in motion were sent just now, not when the seeding began (minutes ago at a million).
  for (let shard = 0; shard < shardCount; shard++) {
    const db = new DatabaseSync(shardFiles.get(`shard-${shard}`));
    db.prepare("UPDATE claim_state SET opened_at = ?1, enqueued_at = ?1 WHERE settled_at IS NULL").run(Date.now());
    db.close();
  }
  if (senders.length < groupCount) throw new Error(`only ${senders.length} seeded wallets hold ${shares} cents for a group envelope`);
  return { seeded, senders };
}

/** How long the bench waits for the partitions' deep check runs (at a million claims each partition checks 250,000 wallets). */
const DEEP_CHECK_WAIT_MS = 15 * 60_000;

/** Waits until each of `count` objects whose report's source starts with `prefix` has finished a deep check run begun after `since`; returns those runs. */
async function deepCheckRuns(admin, since, prefix, count) {
  const deadline = Date.now() + DEEP_CHECK_WAIT_MS;
  for (;;) {
    const runs = (await admin.audit()).deepChecks
      .filter((r) => r.source.startsWith(prefix) && r.lastRun !== null && r.lastRun.startedAt >= since)
      .map((r) => r.lastRun);
    if (runs.length === count) return runs;
    if (Date.now() > deadline) throw new Error(`deep checks: ${runs.length} of ${count} ${prefix}* objects finished a run in time`);
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
}

/** Rows, entities (wallets, claims) and slices of the objects' runs, rows per second of slice time, and the longest slice (ms on the object's clock). */
function deepCheckFigures(runs) {
  const sum = (pick) => runs.reduce((a, run) => a + pick(run), 0);
  return {
    rows: sum((r) => r.rows),
    entities: sum((r) => r.entities),
    slices: sum((r) => r.slices),
    // Null when the objects' clocks did not move during any slice (a group envelope's one query).
    rowsPerSecond: sum((r) => r.sliceMs) > 0 ? Math.round(sum((r) => r.rows) / (sum((r) => r.sliceMs) / 1000)) : null,
    meanSliceMs: Number((sum((r) => r.sliceMs) / sum((r) => r.slices)).toFixed(2)),
    maxSliceMs: Math.max(...runs.map((r) => r.maxSliceMs)),
    runSeconds: Math.max(...runs.map((r) => (r.finishedAt - r.startedAt) / 1000)),
  };
}

async function measure(scriptPath, claims) {
  const start = (reuseState) =>
    startServers({
      root: ROOT,
      scriptPath,
      workDir: OUT,
      appPort: 0,
      shardCount,
      storage: "memory",
      reuseState,
      // Removed by measure itself: the seeding reads the files between the starts, the groups' check after the second.
      keepState: true,
      vars: { LEDGER_PARTITIONS: String(partitions) },
      // BENCH_LOGS=1 shows the workers' lines.
      ...(process.env.BENCH_LOGS === "1" ? {} : { onWorkerLog: () => {} }),
    });
  let servers = await start(false);
  let files;
  try {
    const admin = new AdminClient(servers.app.url, ADMIN_SECRET);
    await admin.goLive("claims");
    await createPools(servers.app.url, Math.ceil((claims * 1.2) / SPONSORS.length) + 100);
    if (!(await admin.audit()).balanced) throw new Error("the fresh show does not balance");
    const mf = servers.app.mf;
    files = {
      shards: await objectFiles(
        mf,
        servers.stateDir,
        "POOL_SHARD",
        Array.from({ length: shardCount }, (_, i) => `shard-${i}`),
      ),
      partitions: await objectFiles(
        mf,
        servers.stateDir,
        "LEDGER_PARTITION",
        Array.from({ length: partitions }, (_, i) => `ledger-${i}`),
      ),
    };
  } finally {
    await servers.dispose();
  }
  const seeding = await timed(() => seed(claims, files.shards, files.partitions, Date.now()));
  const restartedAt = Date.now();
  servers = await start(true);
  let row;
  let groupFiles;
  try {
    const admin = new AdminClient(servers.app.url, ADMIN_SECRET);
    // The shards' checks run first, so they never share the machine with the timed calls below.
    const claimsCheck = deepCheckFigures(await deepCheckRuns(admin, restartedAt, "shard-", shardCount));
    const groups = await timed(() => fillGroups(servers.app.url, seeding.result.senders, shares, { secret: SESSION_SECRET, shardCount }));
    const groupIds = groups.result;
    const warm = await timed(() => admin.audit());
    const audits = [];
    for (let i = 0; i < runs; i++) audits.push(await timed(() => admin.audit()));
    const statements = [];
    for (let i = 0; i < runs; i++) statements.push(await timed(() => admin.call("GET", `/sponsors/${SPONSORS[0]}/statement`)));
    const repair = await timed(() => admin.call("POST", "/repair", { olderThanMs: REPAIR_AFTER_MS }));
    const deepCheck = deepCheckFigures(await deepCheckRuns(admin, restartedAt, "ledger-", partitions));
    // Last, a repair of everything due now: it visits each envelope (its grabs lowered its due time), whose visit runs its
    // alarm, so each envelope's check runs once more over all its grabs, whenever its own alarms ran.
    await admin.call("POST", "/repair", { olderThanMs: 0 });
    groupFiles = await objectFiles(servers.app.mf, servers.stateDir, "GROUP_ENVELOPE", groupIds);
    const last = audits.at(-1).result;
    const claimed = last.pools.reduce((n, p) => n + p.claimedCount, 0);
    const pending = last.settlement.pools.reduce((n, p) => n + p.pendingCount, 0);
    row = {
      claims: seeding.result.seeded,
      auditMs: median(audits.map((a) => a.ms)),
      repairMs: repair.ms,
      statementMs: median(statements.map((s) => s.ms)),
      deepCheck,
      claimsCheck,
      firstAuditMs: warm.ms,
      auditRunsMs: audits.map((a) => a.ms),
      seedMs: seeding.ms,
      groupsMs: groups.ms,
      claimedCount: claimed,
      pendingCount: pending,
      balanced:
        last.balanced &&
        claimed === seeding.result.seeded &&
        pending === IN_MOTION &&
        statements.every((s) => s.result.reconciled === true),
      problems: last.problems.slice(0, 5),
    };
  } finally {
    await servers.dispose();
  }
  try {
    // Read once the app has stopped: the envelopes' last runs, each one slice over all its grabs.
    const groupRuns = groupCheckRuns(groupFiles, shares);
    return { ...row, groupCheck: { envelopes: groupCount, shares, ...deepCheckFigures(groupRuns), query: queryFigures(groupRuns) } };
  } finally {
    rmSync(servers.stateDir, { recursive: true, force: true });
  }
}

/** One deep check's figures as the bench prints them. */
const checkLine = (name, c) =>
  `${name} ${c.rowsPerSecond === null ? "–" : c.rowsPerSecond.toLocaleString("en-US")} rows/s (${c.slices} slices, mean ${c.meanSliceMs} ms, longest ${c.maxSliceMs} ms, run ${c.runSeconds} s)`;

/** The group envelopes' check: its slices on the objects' clocks, and its query timed on their files. */
const groupLine = (g) =>
  `group envelopes' deep check (${g.envelopes} envelopes × ${g.shares} grabs): ${g.slices} slices, longest ${g.maxSliceMs} ms on the objects' clocks; ` +
  `its query ${g.query.rowsPerSecond.toLocaleString("en-US")} rows/s (median ${g.query.medianMs} ms, longest ${g.query.maxMs} ms, Node's SQLite)`;

const watchdog = setTimeout(() => {
  console.error("bench:audit: still running after 90 minutes; stopping");
  process.exit(1);
}, 90 * 60_000);
mkdirSync(OUT, { recursive: true });
const machine = machineAtStart("bench:audit");
const scriptPath = bundleWorker(join(OUT, "bundle"));
const rows = [];
for (const size of opts.sizes.split(",").map(Number)) {
  const r = await measure(scriptPath, size);
  rows.push(r);
  console.log(
    `  ${r.claims.toLocaleString("en-US")} claims (${r.pendingCount} in motion): audit ${r.auditMs} ms (median of ${runs}; first ${r.firstAuditMs} ms), ` +
      `repair ${r.repairMs} ms; statement ${r.statementMs} ms; ${checkLine("wallets' deep check", r.deepCheck)}; ` +
      `${checkLine("claims' deep check", r.claimsCheck)}; ${groupLine(r.groupCheck)}; seeded in ${(r.seedMs / 1000).toFixed(1)} s; ` +
      `${r.balanced ? "balanced" : `UNBALANCED ${JSON.stringify(r.problems)}`}`,
  );
}
const report = {
  startedAt: new Date().toISOString(),
  machine: machine.atEnd(),
  command: `npm run bench:audit -- ${process.argv.slice(2).join(" ")}`.trim(),
  settings: {
    shardCount,
    partitions,
    runs,
    inMotion: IN_MOTION,
    repairAfterMs: REPAIR_AFTER_MS,
    groups: groupCount,
    shares,
    smoke: opts.smoke,
  },
  rows,
};
const file = join(OUT, opts.smoke ? "audit-smoke.json" : `audit-${report.startedAt.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
if (!opts.smoke) writeFileSync(join(OUT, "audit-latest.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${file}`);
clearTimeout(watchdog);
process.exitCode = rows.every((r) => r.balanced) ? 0 : 1;
