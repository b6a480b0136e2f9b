/**
 * `npm run bench:ledger`: measures the two candidate stores for ledger partitions on this
 * machine — a D1 database (through the project's own D1 writer) and a SQLite-backed Durable
 * Object — writing settlement credits in batches of 1, 10, 100 and 500, one batch at a time
 * and several in flight. Prints rows per second per store and batch size, and the bytes one
 * credit takes in the object's SQLite (schema and indexes included); writes
 * bench-results/ledger-stores-<time>.json and ledger-stores-latest.json. One workerd process: it measures one partition.
 *
 * Options: --rows N (rows per measurement, default 20000), --smoke (200 rows per measurement:
 * checks the script, `npm test` runs it). Exit code 1 when a store does not hold exactly the
 * credits (rows and cents) a measurement sent it.
 */
import { build } from "esbuild";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { migrationsOf } from "./build.mjs";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const { values: opts } = parseArgs({ options: { rows: { type: "string" }, smoke: { type: "boolean", default: false } } });
const rowsPerMeasurement = Number(opts.rows ?? (opts.smoke ? 200 : 20_000));
const watchdog = setTimeout(() => {
  console.error("bench:ledger: still running after 5 minutes; stopping");
  process.exit(1);
}, 5 * 60_000);

async function bundle() {
  const outfile = join(OUT, "ledger-probe", "index.js");
  await build({
    entryPoints: [join(import.meta.dirname, "ledger-stores", "probe-worker.ts")],
    bundle: true,
    format: "esm",
    platform: "neutral",
    external: ["cloudflare:workers"],
    loader: { ".sql": "text" },
    outfile,
    logLevel: "error",
  });
  return outfile;
}

async function start(scriptPath, stateDir) {
  const worker = {
    name: "ledger-probe",
    modules: true,
    scriptPath,
    compatibilityDate: "2025-09-01",
    d1Databases: { DB: "ledger-probe" },
    durableObjects: { PARTITION: { className: "LedgerPartition", useSQLite: true } },
    unsafeDirectSockets: [{ host: "127.0.0.1", port: 0 }],
  };
  const mf = new Miniflare({ ...convertV4MiniflareOptions({ workers: [worker] }), resourcePersistencePath: stateDir });
  await mf.ready;
  // The D1 candidate gets the ledger schema as D1 held it before partitions (migration 0001).
  const db = await mf.getD1Database("DB");
  const [, statements] = (await migrationsOf(ROOT)).find(([file]) => file === "0001_ledger.sql");
  await db.batch(statements.map((sql) => db.prepare(sql)));
  return { mf, url: String(await mf.unsafeGetDirectURL("ledger-probe")) };
}

async function measure(url, store, size, parallel) {
  const batches = Math.max(parallel, Math.round(rowsPerMeasurement / size));
  const response = await fetch(`${url}run?store=${store}&size=${size}&batches=${batches}&parallel=${parallel}`);
  if (!response.ok) throw new Error(`${store} ${size}: HTTP ${response.status} ${await response.text()}`);
  const result = await response.json();
  return { ...result, rowsPerSecond: (1000 * result.rows) / result.ms };
}

async function main() {
  mkdirSync(OUT, { recursive: true });
  const stateDir = join("/dev/shm", `gala-shake-ledger-${process.pid}`);
  rmSync(stateDir, { recursive: true, force: true });
  const { mf, url } = await start(await bundle(), stateDir);
  const rows = [];
  console.log(
    `bench:ledger: ${cpus().length} x ${cpus()[0]?.model}, load average ${loadavg()
      .map((n) => n.toFixed(2))
      .join(" ")}`,
  );
  console.log(`${"store".padEnd(8)} ${"batch".padStart(6)} ${"in flight".padStart(9)} ${"rows/s".padStart(9)} ${"ms/batch".padStart(9)}`);
  try {
    for (const store of ["d1", "object"]) {
      for (const size of [1, 10, 100, 500]) {
        for (const parallel of [1, 4]) {
          const r = await measure(url, store, size, parallel);
          rows.push(r);
          console.log(
            `${store.padEnd(8)} ${String(size).padStart(6)} ${String(parallel).padStart(9)} ${Math.round(r.rowsPerSecond).toLocaleString("en-US").padStart(9)} ${(r.ms / r.batches).toFixed(2).padStart(9)}`,
          );
        }
      }
    }
  } finally {
    await mf.dispose();
    rmSync(stateDir, { recursive: true, force: true });
  }
  const objectRows = rows.filter((r) => r.store === "object").reduce((n, r) => n + r.rows, 0);
  const last = rows.filter((r) => r.store === "object").at(-1);
  const bytesPerCredit = last?.bytes ? last.bytes / objectRows : null;
  if (bytesPerCredit) console.log(`object SQLite: ${Math.round(bytesPerCredit)} bytes per credit (ledger row + wallet row + indexes)`);
  const report = {
    startedAt: new Date().toISOString(),
    machine: { cpu: cpus()[0]?.model, cores: cpus().length, loadAverage: loadavg() },
    rowsPerMeasurement,
    bytesPerCredit,
    rows,
  };
  const file = join(OUT, opts.smoke ? "ledger-stores-smoke.json" : `ledger-stores-${report.startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  if (!opts.smoke) writeFileSync(join(OUT, "ledger-stores-latest.json"), `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${file}`);
  const lost = rows.filter((r) => r.stored.count !== r.expected.count || r.stored.cents !== r.expected.cents);
  for (const r of lost) {
    console.error(
      `${r.store}, batches of ${r.size}: holds ${r.stored.count} credits / ${r.stored.cents} cents of the ${r.expected.count} / ${r.expected.cents} sent`,
    );
  }
  console.log(lost.length === 0 ? "bench:ledger: every credit landed once" : "bench:ledger FAILED: a store lost or doubled credits");
  return lost.length === 0 ? 0 : 1;
}

process.exitCode = await main();
clearTimeout(watchdog);
