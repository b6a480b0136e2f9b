/**
 * A pool shard's figures for the merge audit (read only), from its running totals (totals.ts)
 * and not from its rows: per pool what was loaded (its `pools` row), what is left in stock,
 * what is lent to edge leases and what was claimed; the most envelopes one person holds;
 * envelopes found in two places; the leases still holding envelopes (their rows are pending
 * work: they leave when claimed or returned) and the lease counters. One row per pool plus
 * the leases in motion: the cost does not grow with the claims.
 */
import type { ShardFigures } from "../../src/wire/rpc";
import type { Leases } from "./leases";
import type { Merges } from "./merges";
import { poolFigures, poolTotals, shardTotals } from "./totals";

export function shardFigures(sql: SqlStorage, shard: number, leases: Leases, merges: Merges): ShardFigures {
  const totals = poolTotals(sql);
  const pools = sql
    .exec<{ pool_id: string; loaded_count: number; loaded_cents: number }>("SELECT pool_id, loaded_count, loaded_cents FROM pools")
    .toArray()
    .map((row) => poolFigures(row.pool_id, row.loaded_count, row.loaded_cents, totals.get(row.pool_id)));
  const checks = shardTotals(sql);
  return {
    shard,
    pools,
    maxClaimsPerUser: checks.maxPerUser,
    maxClaimsPerUserSponsor: checks.maxPerUserSponsor,
    duplicateEnvelopeClaims: checks.duplicates,
    leases: leases.outstanding(),
    leaseCounters: { ...leases.counters(), voided: checks.voided },
    merging: merges.waitingCount(),
  };
}
