/**
 * A pool shard's move ledger: envelopes taken out for a move and received from one, each
 * keyed by move id so a retried step returns what the first attempt did and never moves
 * twice. Plain functions over the shard's SQLite storage, run inside its transactions.
 */
import type { ShardMoveFigures, ShardReceive } from "../src/wire/rpc";

export const MOVES_SCHEMA = `
CREATE TABLE IF NOT EXISTS moves_out (
  move_id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL,
  amounts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS moves_in (
  move_id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL
);
`;

/** Takes up to `limit` (null: all) remaining envelopes of a pool out for a move, once. */
export function takeEnvelopes(sql: SqlStorage, moveId: string, poolId: string, limit: number | null): number[] {
  const done = sql.exec<{ amounts: string }>("SELECT amounts FROM moves_out WHERE move_id = ?", moveId).toArray()[0];
  if (done) return JSON.parse(done.amounts) as number[];
  const rows = sql
    .exec<{ envelope_id: string; amount: number }>(
      "SELECT envelope_id, amount FROM envelopes WHERE pool_id = ? ORDER BY envelope_id LIMIT ?",
      poolId,
      limit ?? -1,
    )
    .toArray();
  for (const row of rows) sql.exec("DELETE FROM envelopes WHERE envelope_id = ?", row.envelope_id);
  const amounts = rows.map((row) => row.amount);
  sql.exec(
    "INSERT INTO moves_out (move_id, pool_id, count, cents, amounts) VALUES (?, ?, ?, ?, ?)",
    moveId,
    poolId,
    amounts.length,
    amounts.reduce((a, b) => a + b, 0),
    JSON.stringify(amounts),
  );
  return amounts;
}

/** Receives a move's envelopes into a pool (creating the pool's row here if needed), once. */
export function receiveEnvelopes(sql: SqlStorage, receive: ShardReceive): void {
  if (sql.exec("SELECT 1 FROM moves_in WHERE move_id = ?", receive.moveId).toArray().length > 0) return;
  sql.exec(
    `INSERT OR IGNORE INTO pools (pool_id, phase_id, sponsor_id, loaded_count, loaded_cents) VALUES (?, ?, ?, 0, 0)`,
    receive.poolId,
    receive.phaseId,
    receive.sponsorId,
  );
  receive.amounts.forEach((amount, k) => {
    sql.exec("INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)", `${receive.moveId}:${k}`, receive.poolId, amount);
  });
  sql.exec(
    "INSERT INTO moves_in (move_id, pool_id, count, cents) VALUES (?, ?, ?, ?)",
    receive.moveId,
    receive.poolId,
    receive.amounts.length,
    receive.amounts.reduce((a, b) => a + b, 0),
  );
}

export function moveFigures(sql: SqlStorage): ShardMoveFigures[] {
  return sql
    .exec<ShardMoveFigures & Record<string, SqlStorageValue>>(
      `SELECT move_id AS moveId, pool_id AS poolId, SUM(oc) AS outCount, SUM(oc2) AS outCents,
              SUM(ic) AS inCount, SUM(ic2) AS inCents
         FROM (SELECT move_id, pool_id, count AS oc, cents AS oc2, 0 AS ic, 0 AS ic2 FROM moves_out
               UNION ALL
               SELECT move_id, pool_id, 0, 0, count, cents FROM moves_in)
        GROUP BY move_id, pool_id`,
    )
    .toArray();
}
