/**
 * Issuance pacing per pool on a pool shard (src/domain/pacing.ts): how many envelopes each
 * pool of a phase may still hand out now, counting both ways they leave, shard claims
 * (claims.ts) and edge leases (leases.ts), so neither can run a pool ahead of its plan.
 * Reads only: what left this shard's stock per pool (its own claims, not those merged in from
 * other shards' loans; its lent envelopes; its loans recorded at other homes, merges.ts) is
 * counted from the rows once a second
 * and followed in memory between counts (`issued` after every claim and grant); stock comes
 * from the stock directory (stock.ts). Envelopes that come back to stock are counted again at
 * the next count: until then a pool looks more issued than it is, never less.
 */
import { poolHeadroom, type PhaseWindow } from "../../src/domain/pacing";
import type { Stock } from "./stock";

/** How long the in-memory issued counts of a phase are trusted before they are counted again. */
const RECOUNT_MS = 1000;

export class PoolPacing {
  #sql: SqlStorage;
  #stock: Stock;
  #issued = new Map<string, { byPool: Map<string, number>; countedAt: number }>();

  constructor(sql: SqlStorage, stock: Stock) {
    this.#sql = sql;
    this.#stock = stock;
  }

  /** Envelopes each pool of the phase may still issue or lend now (by pool id). */
  headroom(phaseId: string, window: PhaseWindow, now: number): Map<string, number> {
    const issued = this.#issuedByPool(phaseId, now);
    return new Map(
      this.#stock.all(phaseId).map((pool) => [pool.poolId, poolHeadroom(issued.get(pool.poolId) ?? 0, pool.remaining, window, now)]),
    );
  }

  /** `count` envelopes of the pool left stock (claimed or lent). */
  issued(phaseId: string, poolId: string, count: number): void {
    const byPool = this.#issued.get(phaseId)?.byPool;
    if (byPool) byPool.set(poolId, (byPool.get(poolId) ?? 0) + count);
  }

  #issuedByPool(phaseId: string, now: number): Map<string, number> {
    const cached = this.#issued.get(phaseId);
    if (cached && now - cached.countedAt < RECOUNT_MS) return cached.byPool;
    const rows = this.#sql.exec<{ pool_id: string; n: number }>(
      `SELECT pool_id, COUNT(*) AS n FROM claims c WHERE phase_id = ?1 AND NOT EXISTS (SELECT 1 FROM merged_in m WHERE m.claim_id = c.claim_id)
        GROUP BY pool_id
       UNION ALL
       SELECT e.pool_id, COUNT(*) FROM leased_envelopes e JOIN leases l ON l.lease_id = e.lease_id WHERE l.phase_id = ?1 GROUP BY e.pool_id
       UNION ALL
       SELECT m.pool_id, COUNT(*) FROM merged_out m JOIN pools p ON p.pool_id = m.pool_id WHERE p.phase_id = ?1 GROUP BY m.pool_id`,
      phaseId,
    );
    const byPool = new Map<string, number>();
    for (const row of rows) byPool.set(row.pool_id, (byPool.get(row.pool_id) ?? 0) + row.n);
    this.#issued.set(phaseId, { byPool, countedAt: now });
    return byPool;
  }
}
