/**
 * A pool shard's in-memory directory of its pools by phase with the envelopes each has left,
 * so a claim neither re-reads the pools table nor probes an exhausted pool again, and can
 * choose a pool by its remaining stock. Counts follow every change: a claim takes through
 * `take`, an edge lease lowers the `remaining` of the refs `stocked` handed it, envelopes an
 * edge lease returns come back through `restock`; the shard calls `forget()` whenever it
 * loads a pool, receives or sends moved envelopes, and the directory is rebuilt lazily.
 */

export interface PoolRef {
  poolId: string;
  sponsorId: string;
  /** Envelopes left in the pool on this shard. */
  remaining: number;
}

export class PhasePools {
  #sql: SqlStorage;
  #byPhase = new Map<string, PoolRef[]>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
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

  /** Takes one envelope out of a pool of `phaseId`, or null when the pool is empty. */
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

  /** Envelopes of a pool went back to stock (an edge lease returned them). */
  restock(poolId: string, count: number): void {
    for (const pools of this.#byPhase.values()) {
      const pool = pools.find((p) => p.poolId === poolId);
      if (pool) pool.remaining += count;
    }
  }

  forget(): void {
    this.#byPhase.clear();
  }
}
