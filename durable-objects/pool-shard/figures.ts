/**
 * A pool shard's figures for the merge audit, computed from its rows themselves (read only):
 * per pool what was loaded, what is left in stock, what is lent to edge leases and what was
 * claimed; the most envelopes one person holds; envelopes found in two places; the leases
 * still holding envelopes and the lease counters.
 */
import type { ShardFigures, ShardPoolFigures } from "../../src/wire/rpc";
import { LEASE_DUPLICATES_SQL, type Leases } from "./leases";

export function shardFigures(sql: SqlStorage, shard: number, leases: Leases): ShardFigures {
  const pools = new Map<string, ShardPoolFigures>();
  for (const row of sql.exec<{ pool_id: string; loaded_count: number; loaded_cents: number }>(
    "SELECT pool_id, loaded_count, loaded_cents FROM pools",
  )) {
    pools.set(row.pool_id, {
      poolId: row.pool_id,
      loadedCount: row.loaded_count,
      loadedCents: row.loaded_cents,
      remainingCount: 0,
      remainingCents: 0,
      leasedCount: 0,
      leasedCents: 0,
      claimedCount: 0,
      claimedCents: 0,
    });
  }
  const sums = (table: "envelopes" | "claims") =>
    sql.exec<{ pool_id: string; n: number; cents: number }>(
      `SELECT pool_id, COUNT(*) AS n, SUM(amount) AS cents FROM ${table} GROUP BY pool_id`,
    );
  for (const row of sums("envelopes")) {
    const figures = pools.get(row.pool_id);
    if (figures) Object.assign(figures, { remainingCount: row.n, remainingCents: row.cents });
  }
  for (const row of sums("claims")) {
    const figures = pools.get(row.pool_id);
    if (figures) Object.assign(figures, { claimedCount: row.n, claimedCents: row.cents });
  }
  for (const [poolId, leased] of leases.lentByPool()) {
    const figures = pools.get(poolId);
    if (figures) Object.assign(figures, { leasedCount: leased.count, leasedCents: leased.cents });
  }
  const scalar = (query: string) => sql.exec<{ v: number | null }>(query).one().v ?? 0;
  return {
    shard,
    pools: [...pools.values()],
    maxClaimsPerUser: scalar("SELECT MAX(n) AS v FROM (SELECT COUNT(*) AS n FROM claims GROUP BY user_id, gala_id)"),
    maxClaimsPerUserSponsor: scalar("SELECT MAX(n) AS v FROM (SELECT COUNT(*) AS n FROM claims GROUP BY user_id, gala_id, sponsor_id)"),
    duplicateEnvelopeClaims:
      scalar("SELECT COUNT(*) - COUNT(DISTINCT envelope_id) AS v FROM claims") +
      scalar("SELECT COUNT(*) AS v FROM envelopes e JOIN claims c ON c.envelope_id = e.envelope_id") +
      scalar(LEASE_DUPLICATES_SQL),
    leases: leases.outstanding(),
    leaseCounters: leases.counters(),
  };
}
