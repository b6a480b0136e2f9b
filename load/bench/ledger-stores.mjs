/**
 * `npm run bench:ledger`: measures the two candidate stores for ledger partitions on this
 * machine — a D1 database (through the project's own D1 writer) and a SQLite-backed Durable
 * Object — writing settlement credits in batches of 1, 10, 100 and 500, one batch at a time
 * and several in flight. Prints rows per second per store and batch size, and the bytes one
 * credit takes in the object's SQLite (schema and indexes included); writes
 * bench-results/ledger-stores-<time>.json. One workerd process: it measures one partition.
 *
 * Options: --rows N (rows per measurement, default 20000).
 */
import { build } from "esbuild";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { Miniflare, convertV4MiniflareOptions } from "miniflare";
import { unstable_splitSqlQuery } from "wrangler";

const ROOT = resolve(import.meta.dirname, "../..");
const OUT = join(ROOT, "bench-results");
const { values: opts } = parseArgs({ options: { rows: { type: "string", default: "20000" } } });
const rowsPerMeasurement = Number(opts.rows);
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
  const statements = unstable_splitSqlQuery(readFileSync(join(ROOT, "migrations", "0001_ledger.sql"), "utf8"));
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
  const file = join(OUT, `ledger-stores-${report.startedAt.replace(/[:.]/g, "-")}.json`);
  writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`wrote ${file}`);
}

await main();
clearTimeout(watchdog);
