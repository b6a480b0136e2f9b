/**
 * The ledger partitions' deep check timed on their SQLite files with Node's SQLite (an
 * estimate of the SQL's cost, not a Durable Object measurement: a workerd object's clock does
 * not move while it computes). The real slice code (durable-objects/ledger-partition/deep-check.ts)
 * runs over a small adapter that gives a Node database the `SqlStorage` calls it uses; each
 * slice is timed, a full run per partition.
 */
import { DatabaseSync } from "node:sqlite";
import { WalletDeepCheck } from "../../durable-objects/ledger-partition/deep-check.ts";

/** The `SqlStorage` calls the deep check makes (`exec` with `toArray`, `one`, `rowsWritten`), on a Node database. */
function sqlStorageOf(db) {
  return {
    exec(sql, ...params) {
      if (params.length === 0 && /;\s*\S/.test(sql.trim().replace(/;\s*$/, ""))) {
        db.exec(sql);
        return { toArray: () => [], one: () => undefined, rowsWritten: 0 };
      }
      const statement = db.prepare(sql);
      if (/^\s*(WITH|SELECT)/i.test(sql)) {
        const rows = statement.all(...params);
        return { toArray: () => rows, one: () => rows[0], rowsWritten: 0 };
      }
      const { changes } = statement.run(...params);
      return { toArray: () => [], one: () => undefined, rowsWritten: Number(changes) };
    },
  };
}

/** One full deep check run over each partition file: rows, wallets, slices, rows per second of slice time, the longest slice. */
export function timeDeepChecks(files) {
  let rows = 0;
  let wallets = 0;
  const sliceMs = [];
  for (const file of files) {
    const db = new DatabaseSync(file);
    const check = new WalletDeepCheck(sqlStorageOf(db));
    check.arm("bench");
    for (;;) {
      const started = performance.now();
      db.exec("BEGIN");
      const slice = check.slice(Date.now());
      db.exec("COMMIT");
      sliceMs.push(performance.now() - started);
      rows += slice.rows;
      wallets += slice.entities;
      if (slice.runFinished) break;
    }
    db.close();
  }
  const total = sliceMs.reduce((a, b) => a + b, 0);
  const sorted = [...sliceMs].sort((a, b) => a - b);
  return {
    rows,
    wallets,
    slices: sliceMs.length,
    rowsPerSecond: Math.round(rows / (total / 1000)),
    medianSliceMs: Number(sorted[Math.floor(sorted.length / 2)].toFixed(2)),
    maxSliceMs: Number(sorted.at(-1).toFixed(2)),
  };
}
