/**
 * A pool shard's in-memory directory of its pools by phase, and of the pools it has found
 * empty, so a claim neither re-reads the pools table nor probes an exhausted pool again.
 * Both are facts about SQLite that only adding envelopes can change (a claim or a move out
 * only ever empties a pool), so the shard calls `forget()` whenever it loads a pool or
 * receives moved envelopes, and the directory is rebuilt lazily from the rows.
 */

export interface PoolRef {
  poolId: string;
  sponsorId: string;
}

export class PhasePools {
  #sql: SqlStorage;
  #byPhase = new Map<string, PoolRef[]>();
  #empty = new Set<string>();

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  /** The phase's pools on this shard not known to be empty. */
  stocked(phaseId: string): PoolRef[] {
    let pools = this.#byPhase.get(phaseId);
    if (!pools) {
      pools = this.#sql
        .exec<{ pool_id: string; sponsor_id: string }>("SELECT pool_id, sponsor_id FROM pools WHERE phase_id = ?", phaseId)
        .toArray()
        .map((row) => ({ poolId: row.pool_id, sponsorId: row.sponsor_id }));
      this.#byPhase.set(phaseId, pools);
    }
    return pools.filter((pool) => !this.#empty.has(pool.poolId));
  }

  /** Takes one envelope out of a pool, or null (and remembers) when the pool is empty. */
  take(poolId: string): { envelopeId: string; amount: number } | null {
    const row = this.#sql
      .exec<{ envelope_id: string; amount: number }>(
        `DELETE FROM envelopes WHERE rowid = (SELECT rowid FROM envelopes WHERE pool_id = ? LIMIT 1)
         RETURNING envelope_id, amount`,
        poolId,
      )
      .toArray()[0];
    if (!row) {
      this.#empty.add(poolId);
      return null;
    }
    return { envelopeId: row.envelope_id, amount: row.amount };
  }

  /** Whether a pool still holds an envelope (remembering it when it does not). */
  hasStock(poolId: string): boolean {
    const found = this.#sql.exec("SELECT 1 FROM envelopes WHERE pool_id = ? LIMIT 1", poolId).toArray().length > 0;
    if (!found) this.#empty.add(poolId);
    return found;
  }

  forget(): void {
    this.#byPhase.clear();
    this.#empty.clear();
  }
}
