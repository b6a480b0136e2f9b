#!/usr/bin/env node
/**
 * The crash test: viewers shake and open envelopes against the real bundle on workerd (started
 * through Miniflare from Node with persistent storage, as load/bench does); mid-burst the whole
 * runtime is killed with SIGKILL and started again on the same storage. Then:
 *  1. every envelope a client was told it won is still there, with its amount (its owner's
 *     wallet lists it, pending or settled);
 *  2. the settlement messages the crash destroyed are counted: opened envelopes that have not
 *     reached their wallets a few seconds after the restart, with the queue running;
 *  3. only the minute cron runs (fired as the platform would, no operator acting): its
 *     repairs must bring every opened envelope to its wallet, and the audit must balance.
 *
 * `node load/crash/run.mjs [--users N] [--short]`: `--short` (in `npm test`) uses 60 viewers,
 * the default (in `npm run faults`) 200. Exit code 1 when any check fails; the worker's log
 * lines are kept and printed only then.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { applyMigrations, bundleWorker } from "../bench/servers.mjs";
import { childPids } from "../bench/cpu.mjs";

const { values } = parseArgs({ options: { users: { type: "string" }, short: { type: "boolean", default: false } } });
const USERS = Number(values.users ?? (values.short ? 60 : 200));
const ADMIN = "crash-admin-secret-at-least-32-characters";
const PORT = 8790 + (process.pid % 100);
const BASE = `http://127.0.0.1:${PORT}`;
const REPAIR_AFTER_MS = 3000;
const root = new URL("../..", import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), "gala-crash-"));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The worker's log lines, printed only when the test fails. */
const workerLog = [];

function workerOptions(scriptPath) {
  const { modulesRules, assets, ratelimits, ...options } = unstable_getMiniflareWorkerOptions(
    join(root, "wrangler.toml"),
    "",
  ).workerOptions;
  return {
    ...options,
    name: "gala-shake",
    modules: true,
    modulesRoot: dirname(scriptPath),
    scriptPath,
    unsafeDirectSockets: [{ host: "127.0.0.1", port: PORT }],
    bindings: {
      ...options.bindings,
      SHARD_COUNT: "8",
      DEMO_MODE: "off",
      SHARD_RPS_CEILING: "1000000",
      ISSUANCE_PACING: "off",
      SHARED_RATE_LIMITS: "off",
      SHAKE_LIMIT: "100000",
      SESSION_LIMIT: "100000",
      REPAIR_AFTER_MS: String(REPAIR_AFTER_MS),
      SESSION_SECRET: "crash-session-secret",
      DRAW_SECRET: "crash-draw-secret",
      ADMIN_SECRET: ADMIN,
    },
  };
}

async function start(scriptPath) {
  const before = new Set(childPids("workerd"));
  const mf = new Miniflare({
    ...convertV4MiniflareOptions({ workers: [workerOptions(scriptPath)] }),
    resourcePersistencePath: join(work, "state"),
    unsafeTriggerHandlers: true,
    handleStructuredLogs: ({ level, message }) => workerLog.push(`${level} ${message}`),
  });
  await mf.ready;
  const [pid] = childPids("workerd").filter((p) => !before.has(p));
  return { mf, pid };
}

async function call(method, path, body, token, headers = {}) {
  const res = await fetch(`${BASE}${path}`, {
    method,
    headers: { "Content-Type": "application/json", ...(token ? { Authorization: `Bearer ${token}` } : {}), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null };
}

const adminCall = (method, path, body) => call(method, `/api/admin${path}`, body, ADMIN, { Origin: BASE });

async function setUp() {
  const now = Date.now();
  const sponsors = ["aurora", "jade", "koi"].map((id) => ({ id, name: id, assetId: `sponsor-${id}` }));
  const timeline = {
    galaId: `crash-${now}`,
    sponsors,
    phases: [
      {
        id: "crash-lottery",
        title: "crash",
        kind: "lottery",
        startsAt: now - 1000,
        endsAt: now + 600_000,
        sponsorIds: sponsors.map((s) => s.id),
        greetingAssetId: "g",
        candidateRate: 1,
      },
    ],
  };
  const put = await adminCall("PUT", "/timeline", { expectedVersion: 0, timeline });
  if (put.status !== 200) throw new Error(`timeline: ${put.status} ${JSON.stringify(put.body)}`);
  for (const s of sponsors) {
    const pool = await adminCall("POST", "/pools", { phaseId: "crash-lottery", sponsorId: s.id, budgetCents: USERS * 150, count: USERS });
    if (pool.status !== 201) throw new Error(`pool: ${pool.status} ${JSON.stringify(pool.body)}`);
  }
  return Promise.all(Array.from({ length: USERS }, async () => (await call("POST", "/api/session", {})).body));
}

/** Each viewer shakes three times and opens every envelope won; the runtime dies midway. */
async function burst(viewers, kill) {
  const won = [];
  const opened = [];
  let opens = 0;
  let killed = false;
  const one = async (v) => {
    for (let r = 0; r < 3; r++) {
      try {
        const shake = await call("POST", "/api/shake", { requestId: `crash-${r}` }, v.token);
        if (shake.body?.kind !== "envelope") continue;
        won.push({ v, envelope: shake.body.envelope });
        const open = await call("POST", `/api/envelopes/${shake.body.envelope.claimId}/open`, {}, v.token);
        if (open.status !== 200) continue;
        opened.push({ v, envelope: shake.body.envelope });
        if (++opens >= Math.floor(USERS * 0.6) && !killed) {
          killed = true;
          kill();
        }
      } catch {
        return; // the runtime is gone
      }
    }
  };
  await Promise.all(viewers.map(one));
  return { won, opened };
}

async function walletOf(v) {
  const res = await call("GET", "/api/wallet", undefined, v.token);
  if (res.status !== 200) throw new Error(`wallet: ${res.status}`);
  return res.body;
}

async function unsettled(opened) {
  const views = new Map();
  for (const { v } of opened) if (!views.has(v.userId)) views.set(v.userId, await walletOf(v));
  return opened.filter(
    ({ v, envelope }) =>
      !views
        .get(v.userId)
        .entries.some((e) => e.claimId === envelope.claimId && e.status === "settled" && e.amountCents === envelope.amountCents),
  );
}

const failures = [];
const check = (ok, what) => {
  console.log(`crash: ${ok ? "ok  " : "FAIL"} ${what}`);
  if (!ok) failures.push(what);
};

try {
  const scriptPath = bundleWorker(join(work, "bundle"));
  let server = await start(scriptPath);
  await applyMigrations(server.mf, root);
  const viewers = await setUp();
  const t0 = Date.now();
  const { won, opened } = await burst(viewers, () => process.kill(server.pid, "SIGKILL"));
  console.log(`crash: ${USERS} viewers; killed workerd (SIGKILL) after ${opened.length} opens, ${Date.now() - t0} ms into the burst`);
  await server.mf.dispose().catch(() => undefined);
  server = await start(scriptPath);

  // 1. Every envelope a client was told it won is intact.
  const intact = [];
  for (const w of won) {
    const entry = (await walletOf(w.v)).entries.find((e) => e.claimId === w.envelope.claimId);
    if (entry && entry.amountCents === w.envelope.amountCents) intact.push(w);
  }
  const wonCents = won.reduce((n, w) => n + w.envelope.amountCents, 0);
  check(intact.length === won.length, `${intact.length} of ${won.length} won envelopes intact after the restart (${wonCents} cents)`);

  // 2. What the crash destroyed: opened envelopes not in their wallets with only the queue running.
  await sleep(4000);
  const lost = await unsettled(opened);
  console.log(
    `crash: ${lost.length} of ${opened.length} opened envelopes (${lost.reduce((n, l) => n + l.envelope.amountCents, 0)} cents) ` +
      "had not reached their wallets 4 s after the restart (settlement messages lost in the crash)",
  );

  // 3. Only the minute cron runs: its repairs bring every opened envelope home.
  const started = Date.now();
  let left = lost;
  let crons = 0;
  while (left.length > 0 && Date.now() - started < 60_000) {
    await sleep(REPAIR_AFTER_MS);
    await server.mf.dispatchFetch(`http://localhost/cdn-cgi/local/scheduled?time=${Date.now()}`);
    crons++;
    await sleep(1500);
    left = await unsettled(opened);
  }
  check(
    left.length === 0,
    `${opened.length - left.length} of ${opened.length} opened envelopes in their wallets after ${crons} cron run(s), ${Date.now() - started} ms`,
  );
  const audit = await adminCall("GET", "/audit?stuckAfterMs=600000");
  check(audit.body?.balanced === true, `audit balanced: ${audit.body?.balanced} (${(audit.body?.problems ?? []).length} problems)`);
  await server.mf.dispose();
} catch (err) {
  failures.push(String(err));
  console.error(err);
} finally {
  rmSync(work, { recursive: true, force: true });
}
if (failures.length) {
  console.log(`crash: the worker's last log lines:\n${workerLog.slice(-200).join("\n")}`);
  console.log(`crash: FAILED (${failures.length})`);
  process.exit(1);
}
console.log("crash: passed");
