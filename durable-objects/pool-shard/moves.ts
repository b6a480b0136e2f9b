/**
 * A pool shard's side of the show clock's moves (`moves_out`, `moves_in`, their only writer):
 * envelopes taken out for a move and received from one, each recorded under its move id so a
 * retried step returns what the first attempt did and never moves twice. The envelopes
 * themselves leave and enter through the stock (stock.ts). Plain methods over the shard's
 * SQLite storage, run inside its transactions.
 */
import type { ShardMoveFigures, ShardReceive } from "../../src/wire/rpc";
import type { Stock } from "./stock";

const SCHEMA = `
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

const sum = (amounts: readonly number[]) => amounts.reduce((a, b) => a + b, 0);

export class Moves {
  #sql: SqlStorage;
  #stock: Stock;

  constructor(sql: SqlStorage, stock: Stock) {
    this.#sql = sql;
    this.#stock = stock;
    sql.exec(SCHEMA);
  }

  /** Takes up to `limit` (null: all) remaining envelopes of a pool out for a move, once. */
  takeOut(moveId: string, poolId: string, limit: number | null): number[] {
    const done = this.#sql.exec<{ amounts: string }>("SELECT amounts FROM moves_out WHERE move_id = ?", moveId).toArray()[0];
    if (done) return JSON.parse(done.amounts) as number[];
    const amounts = this.#stock.takeOut(poolId, limit);
    this.#sql.exec(
      "INSERT INTO moves_out (move_id, pool_id, count, cents, amounts) VALUES (?, ?, ?, ?, ?)",
      moveId,
      poolId,
      amounts.length,
      sum(amounts),
      JSON.stringify(amounts),
    );
    return amounts;
  }

  /** Receives a move's envelopes into a pool on this shard (`shard`), once. */
  receive(receive: ShardReceive, shard: number): void {
    if (this.#sql.exec("SELECT 1 FROM moves_in WHERE move_id = ?", receive.moveId).toArray().length > 0) return;
    this.#stock.receive(receive, shard);
    this.#sql.exec(
      "INSERT INTO moves_in (move_id, pool_id, count, cents) VALUES (?, ?, ?, ?)",
      receive.moveId,
      receive.poolId,
      receive.amounts.length,
      sum(receive.amounts),
    );
  }

  /** This shard's side of every move, for the audit. */
  figures(): ShardMoveFigures[] {
    return this.#sql
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
}
