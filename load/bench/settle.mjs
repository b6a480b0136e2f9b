/**
 * `npm run bench:settle`: settlement into the partitioned ledger on this machine, on the
 * bench's runtime (workerd via Miniflare direct sockets). For each partition count:
 * 1. winners take `--claims` envelopes in a phase where every shake wins;
 * 2. open to wallet: `--sample` winners open one envelope each and read their wallet every
 *    WALLET_POLL_MS until the money is there. Two figures, as the dress rehearsal takes them:
 *    open to ledger (the ledger row's time − the open's, both on the server's clock: the shard's
 *    flush, the queue's batch wait and the write) and open to wallet (what the viewer waits,
 *    its polling included); p50/p99 of each;
 * 3. drain: the phase is stopped and the sweep enqueues every unopened claim (batched
 *    messages); the time until the audit shows every claim settled gives claims settled per
 *    second through the real queue consumer.
 * Writes bench-results/settle-<time>.json and settle-latest.json. Options: --claims N (default 15000), --sample N
 * (default 200), --partitions 1,4 (the counts to measure), --shards N (default 16), --smoke
 * (300 claims, 20 sampled, 4 shards: checks the script, `npm test` runs it), --profile (a V8
 * CPU profile of the app's isolate during each drain, per claim settled: profile.mjs). Exit code 1 when
 * the audit does not balance or a drain does not settle every claim it enqueued.
 */
import { machineAtStart } from "./cpu.mjs";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { callJson } from "./http.mjs";
import { inParallel, winClaims } from "./prepare.mjs";
import { printSummary, startProfile, summarise, writeProfile } from "./profile.mjs";
import { ADMIN_SECRET, SESSION_SECRET, bundleWorker, startServers } from "./servers.mjs";
import { AdminClient } from "./show.mjs";
import { mintUsers } from "./users.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const DRAIN_TIMEOUT_MS = 180_000;

const { values: opts } = parseArgs({
  options: {
    claims: { type: "string" },
    sample: { type: "string" },
    partitions: { type: "string", default: "1,4" },
    shards: { type: "string" },
    smoke: { type: "boolean", default: false },
    profile: { type: "boolean", default: false },
  },
});
opts.claims ??= opts.smoke ? "300" : "15000";
opts.sample ??= opts.smoke ? "20" : "200";
opts.shards ??= opts.smoke ? "4" : "16";
/**
 * How often the drain reads the audit. The audit reads every shard and partition on the app's
 * one thread, so each read slows the drain a little; a drain of 15,000 claims at 5,000/s lasts
 * 3 s, so a coarser poll would add up to a third to the time measured.
 */
const AUDIT_POLL_MS = 250;
/** Claims per second no drain here reaches: the first audit read waits for that long. */
const FASTEST_DRAIN = 20_000;
const claims = Number(opts.claims);
const sample = Number(opts.sample);
const shardCount = Number(opts.shards);
const watchdog = setTimeout(() => {
  console.error("bench:settle: still running after 15 minutes; stopping");
  process.exit(1);
}, 15 * 60_000);

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
const settledCount = (audit) => audit.settlement.pools.reduce((n, p) => n + p.settledCount, 0);

/**
 * How often a sampled winner reads its wallet. Every viewer call but the shake counts against
 * VIEWER_LIMIT (30 per user in each 10 s window, wrangler.toml): this loop once read every
 * 25 ms, ran into the limit within about a second on a quiet machine and, ignoring the 429s,
 * saw the money only when the window rolled over: the "steady ~10 s" open to wallet of the
 * first quiet runs, while the ledger held the money after 1–2 s. At 400 ms a winner's open and
 * reads stay under 30 per window; the PWA reads every 2 s (static-assets/js/views/wallet-view.js).
 */
const WALLET_POLL_MS = 400;

/**
 * Opens one envelope of each sampled winner and reads its wallet until the claim is settled
 * there: per winner, open to ledger (server clock) and open to wallet (viewer) in ms. Any answer
 * but 200 fails the run: a refused read would measure the rate limit, not settlement.
 */
async function openToWallet(url, winners) {
  return inParallel(winners, 20, async ({ token, claimId }) => {
    const started = Date.now();
    const opened = await callJson(url, "POST", `/api/envelopes/${claimId}/open`, token, {});
    if (!opened.ok) throw new Error(`open: ${opened.status} ${opened.text}`);
    for (;;) {
      const wallet = await callJson(url, "GET", "/api/wallet", token);
      if (!wallet.ok) throw new Error(`wallet read of a sampled winner: ${wallet.status} ${wallet.text}`);
      const entry = wallet.body.entries.find((e) => e.claimId === opened.body.envelope.claimId);
      if (entry?.status === "settled") return { ledgerMs: entry.at - opened.body.openedAt, walletMs: Date.now() - started };
      if (Date.now() - started > 60_000) throw new Error(`claim ${claimId} not in the wallet after 60 s`);
      await sleep(WALLET_POLL_MS);
    }
  });
}

/** p50, p99 and max of some milliseconds. */
function spread(ms) {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), max: sorted.at(-1), sample: sorted.length };
}

async function measure(scriptPath, partitions) {
  const servers = await startServers({
    root: ROOT,
    scriptPath,
    workDir: OUT,
    appPort: 0,
    shardCount,
    storage: "memory",
    vars: { LEDGER_PARTITIONS: String(partitions) },
    inspect: opts.profile,
    // One JSON line per money event would measure the terminal; BENCH_LOGS=1 shows them.
    ...(process.env.BENCH_LOGS === "1" ? {} : { onWorkerLog: () => {} }),
  });
  try {
    const url = servers.app.url;
    const admin = new AdminClient(url, ADMIN_SECRET);
    await admin.goLive("claims");
    await admin.createPools("claims", Math.ceil(claims / 3) + sample);
    const users = await mintUsers({ count: Math.ceil(claims / 3), secret: SESSION_SECRET, shardCount });
    const winners = await winClaims({ appUrl: url }, [...users, ...users, ...users]);
    console.log(`  ${partitions} partition(s): ${winners.length} envelopes won`);
    const seen = new Set();
    const sampled = winners.filter((w) => !seen.has(w.token) && seen.add(w.token)).slice(0, sample);
    const waits = await openToWallet(url, sampled);
    const before = settledCount(await admin.audit());
    await admin.call("POST", "/timeline/phases/claims/stop", {});
    const profiler = opts.profile ? await startProfile() : null;
    const drainFrom = Date.now();
    const { enqueued } = await admin.call("POST", "/settlements/sweep", {});
    // No audit read before the drain could be done at FASTEST_DRAIN claims/s: each read costs the drain.
    await sleep((1000 * enqueued) / FASTEST_DRAIN - (Date.now() - drainFrom));
    let settled = settledCount(await admin.audit()) - before;
    while (settled < enqueued && Date.now() - drainFrom < DRAIN_TIMEOUT_MS) {
      await sleep(AUDIT_POLL_MS);
      settled = settledCount(await admin.audit()) - before;
    }
    const drainMs = Date.now() - drainFrom;
    if (profiler) {
      const cpuProfile = await profiler.stop();
      writeProfile(join(OUT, `profile-settle-${partitions}.cpuprofile`), cpuProfile);
      printSummary(`the drain into ${partitions} partition(s)`, summarise(cpuProfile), settled);
    }
    const audit = await admin.audit();
    return {
      partitions,
      won: winners.length,
      openToLedgerMs: spread(waits.map((w) => w.ledgerMs)),
      openToWalletMs: spread(waits.map((w) => w.walletMs)),
      drain: { enqueued, settled, ms: drainMs, claimsPerSecond: Math.round((1000 * settled) / drainMs) },
      balanced: audit.balanced,
    };
  } finally {
    await servers.dispose();
  }
}

mkdirSync(OUT, { recursive: true });
const machine = machineAtStart("bench:settle");
const scriptPath = bundleWorker(join(OUT, "bundle"));
const rows = [];
for (const partitions of opts.partitions.split(",").map(Number)) {
  const r = await measure(scriptPath, partitions);
  rows.push(r);
  console.log(
    `  ${partitions} partition(s): drained ${r.drain.settled}/${r.drain.enqueued} claims in ${(r.drain.ms / 1000).toFixed(1)} s = ${r.drain.claimsPerSecond.toLocaleString("en-US")} claims/s; ` +
      `open to ledger p50 ${r.openToLedgerMs.p50} ms, p99 ${r.openToLedgerMs.p99} ms; open to wallet p50 ${r.openToWalletMs.p50} ms, p99 ${r.openToWalletMs.p99} ms ` +
      `(${r.openToWalletMs.sample} winners, wallet read every ${WALLET_POLL_MS} ms); audit ${r.balanced ? "balanced" : "UNBALANCED"}`,
  );
}
const report = {
  startedAt: new Date().toISOString(),
  machine: machine.atEnd(),
  command: `npm run bench:settle -- ${process.argv.slice(2).join(" ")}`.trim(),
  settings: { claims, sample, shardCount, smoke: opts.smoke },
  rows,
};
const file = join(OUT, opts.smoke ? "settle-smoke.json" : `settle-${report.startedAt.replace(/[:.]/g, "-")}.json`);
writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
if (!opts.smoke) writeFileSync(join(OUT, "settle-latest.json"), `${JSON.stringify(report, null, 2)}\n`);
console.log(`wrote ${file}`);
clearTimeout(watchdog);
process.exitCode = rows.every((r) => r.balanced && r.drain.settled === r.drain.enqueued) ? 0 : 1;
