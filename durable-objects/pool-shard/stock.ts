/**
 * A pool shard's stock: its part of each sponsor pool (`pools`) and the pre-split envelopes
 * still in it (`envelopes`). The only writer of both tables. Envelopes leave through `take`
 * (a shard claim), `lend` (an edge lease, leases.ts) and `takeOut` (a move, moves.ts), and
 * come in through `load`, `restock` (lent envelopes given back) and `receive` (a move's
 * arrival).
 *
 * An in-memory directory of each phase's pools with the envelopes each has left follows every
 * change, so a claim neither re-reads the pools table nor probes an exhausted pool again, and
 * can choose a pool by its remaining stock; a load or a move clears it and it is rebuilt
 * lazily. Plain methods over the shard's SQLite storage, run inside its transactions.
 */
import type { ShardPoolLoad, ShardReceive } from "../../src/wire/rpc";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pools (
  pool_id TEXT PRIMARY KEY,
  phase_id TEXT NOT NULL,
  sponsor_id TEXT NOT NULL,
  loaded_count INTEGER NOT NULL,
  loaded_cents INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pools_phase ON pools(phase_id);
CREATE TABLE IF NOT EXISTS envelopes (
  envelope_id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0)
);
CREATE INDEX IF NOT EXISTS envelopes_pool ON envelopes(pool_id);
`;

export interface PoolRef {
  poolId: string;
  sponsorId: string;
  /** Envelopes left in the pool on this shard. */
  remaining: number;
}

/** One envelope out of stock, with its pool. */
export interface StockEnvelope {
  envelopeId: string;
  poolId: string;
  amount: number;
}

export class Stock {
  #sql: SqlStorage;
  #byPhase = new Map<string, PoolRef[]>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(SCHEMA);
  }

  /** Loads this shard's part of a pool. Idempotent: a part already loaded is left as it is. */
  load(load: ShardPoolLoad): { count: number; sumCents: number } {
    this.#byPhase.clear();
    const existing = this.#sql
      .exec<{ loaded_count: number; loaded_cents: number }>("SELECT loaded_count, loaded_cents FROM pools WHERE pool_id = ?", load.poolId)
      .toArray()[0];
    // A row with nothing loaded was created by a move that arrived before this shard's share.
    if (existing && (existing.loaded_count > 0 || load.amounts.length === 0)) {
      return { count: existing.loaded_count, sumCents: existing.loaded_cents };
    }
    let sum = 0;
    load.amounts.forEach((amount, k) => {
      sum += amount;
      this.#sql.exec(
        "INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)",
        `${load.poolId}:${load.shard}:${k}`,
        load.poolId,
        amount,
      );
    });
    this.#sql.exec(
      `INSERT INTO pools (pool_id, phase_id, sponsor_id, loaded_count, loaded_cents) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (pool_id) DO UPDATE SET loaded_count = excluded.loaded_count, loaded_cents = excluded.loaded_cents`,
      load.poolId,
      load.phaseId,
      load.sponsorId,
      load.amounts.length,
      sum,
    );
    return { count: load.amounts.length, sumCents: sum };
  }

  /** The phase's pools on this shard that still hold envelopes. */
  stocked(phaseId: string): PoolRef[] {
    return this.all(phaseId).filter((pool) => pool.remaining > 0);
  }

  /** Every pool of the phase on this shard with the envelopes it has left (the show clock's rebalance reads it). */
  all(phaseId: string): PoolRef[] {
    let pools = this.#byPhase.get(phaseId);
    if (!pools) {
      pools = this.#sql
        .exec<{ pool_id: string; sponsor_id: string; n: number }>(
          `SELECT p.pool_id, p.sponsor_id, COUNT(e.envelope_id) AS n FROM pools p
             LEFT JOIN envelopes e ON e.pool_id = p.pool_id
            WHERE p.phase_id = ? GROUP BY p.pool_id`,
          phaseId,
        )
        .toArray()
        .map((row) => ({ poolId: row.pool_id, sponsorId: row.sponsor_id, remaining: row.n }));
      this.#byPhase.set(phaseId, pools);
    }
    return pools;
  }

  /** Takes one envelope out of a pool of `phaseId` for a claim, or null when the pool is empty. */
  take(phaseId: string, poolId: string): { envelopeId: string; amount: number } | null {
    const row = this.#sql
      .exec<{ envelope_id: string; amount: number }>(
        `DELETE FROM envelopes WHERE rowid = (SELECT rowid FROM envelopes WHERE pool_id = ? LIMIT 1)
         RETURNING envelope_id, amount`,
        poolId,
      )
      .toArray()[0];
    const pool = this.#byPhase.get(phaseId)?.find((p) => p.poolId === poolId);
    if (pool) pool.remaining = row ? pool.remaining - 1 : 0;
    return row ? { envelopeId: row.envelope_id, amount: row.amount } : null;
  }

  /** Takes up to `count` envelopes of a pool out to lend them (a ref `stocked` handed out). */
  lend(pool: PoolRef, count: number): StockEnvelope[] {
    const rows = this.#sql
      .exec<{ envelope_id: string; amount: number }>(
        `DELETE FROM envelopes WHERE rowid IN (SELECT rowid FROM envelopes WHERE pool_id = ? LIMIT ?) RETURNING envelope_id, amount`,
        pool.poolId,
        count,
      )
      .toArray();
    pool.remaining -= rows.length;
    return rows.map((row) => ({ envelopeId: row.envelope_id, poolId: pool.poolId, amount: row.amount }));
  }

  /** Lent envelopes come back to stock. */
  restock(envelopes: readonly StockEnvelope[]): void {
    for (const e of envelopes) {
      this.#sql.exec("INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)", e.envelopeId, e.poolId, e.amount);
      for (const pools of this.#byPhase.values()) {
        const pool = pools.find((p) => p.poolId === e.poolId);
        if (pool) pool.remaining += 1;
      }
    }
  }

  /** Takes up to `limit` (null: all) envelopes of a pool out for a move; returns their amounts. */
  takeOut(poolId: string, limit: number | null): number[] {
    this.#byPhase.clear();
    const rows = this.#sql
      .exec<{ envelope_id: string; amount: number }>(
        "SELECT envelope_id, amount FROM envelopes WHERE pool_id = ? ORDER BY envelope_id LIMIT ?",
        poolId,
        limit ?? -1,
      )
      .toArray();
    for (const row of rows) this.#sql.exec("DELETE FROM envelopes WHERE envelope_id = ?", row.envelope_id);
    return rows.map((row) => row.amount);
  }

  /**
   * Makes the pool known here (its row, with nothing loaded) if it is not: a move's destination,
   * or the pool of a claim merged in from another shard's loan, which this shard's books must
   * count (a leftover of a few envelopes reaches only the shards it is dealt to).
   */
  know(pool: { poolId: string; phaseId: string; sponsorId: string }): void {
    const added = this.#sql.exec(
      `INSERT OR IGNORE INTO pools (pool_id, phase_id, sponsor_id, loaded_count, loaded_cents) VALUES (?, ?, ?, 0, 0)`,
      pool.poolId,
      pool.phaseId,
      pool.sponsorId,
    ).rowsWritten;
    if (added > 0) this.#byPhase.clear();
  }

  /**
   * A move's envelopes arrive in a pool (whose row is created here if this shard has none yet),
   * named for the move and this shard (`shard`) like a load's: a move deals to every shard, and
   * lease shards' envelopes meet at their viewers' homes, where an id must name one envelope.
   */
  receive(receive: ShardReceive, shard: number): void {
    this.#byPhase.clear();
    this.know(receive);
    receive.amounts.forEach((amount, k) => {
      this.#sql.exec(
        "INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)",
        `${receive.moveId}:${shard}:${k}`,
        receive.poolId,
        amount,
      );
    });
  }

  /** Envelopes of the phase in stock here, counted from the rows. */
  phaseCount(phaseId: string): number {
    return this.#sql
      .exec<{ n: number }>("SELECT COUNT(*) AS n FROM envelopes e JOIN pools p ON p.pool_id = e.pool_id WHERE p.phase_id = ?", phaseId)
      .one().n;
  }

  /**
   * Pools of these (closed) phases that hold envelopes in stock here, with how many: none,
   * unless envelopes came back after the phase's leftover move took its stock (the show clock
   * moves them on: src/show/stranded-stock.ts). Reads the closed phases' pools and only the
   * envelopes still in them.
   */
  strandedIn(phaseIds: readonly string[]): { poolId: string; count: number }[] {
    if (phaseIds.length === 0) return [];
    return this.#sql
      .exec<{ pool_id: string; n: number }>(
        `SELECT p.pool_id, COUNT(*) AS n FROM pools p JOIN envelopes e ON e.pool_id = p.pool_id
          WHERE p.phase_id IN (SELECT value FROM json_each(?)) GROUP BY p.pool_id`,
        JSON.stringify(phaseIds),
      )
      .toArray()
      .map((row) => ({ poolId: row.pool_id, count: row.n }));
  }

  /**
   * The pools whose share this shard holds, for the show clock's readiness check. A pool row
   * that only a move created (nothing loaded) does not count: its share is still to load.
   */
  loadedPoolIds(): string[] {
    return this.#sql
      .exec<{ pool_id: string }>(
        "SELECT pool_id FROM pools p WHERE loaded_count > 0 OR NOT EXISTS (SELECT 1 FROM moves_in m WHERE m.pool_id = p.pool_id)",
      )
      .toArray()
      .map((row) => row.pool_id);
  }
}
