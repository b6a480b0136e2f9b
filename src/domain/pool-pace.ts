/**
 * Each pool of a phase against its plan, for the operator: the plan spreads its envelopes
 * evenly over the phase; issuance pacing (pacing.ts) holds each shard's part of the pool to its
 * allowance, so a pool runs at most a head start ahead of its plan, and falls behind when too
 * few candidates may take it. A shard "holds the pool back" while it has stock and no headroom.
 */
import type { EpochMs, PoolPace } from "../wire/index";
import type { ShardPoolPace } from "../wire/rpc";
import { poolHeadroom, type PhaseWindow } from "./pacing";

/** The pools of one phase from every shard's figures (`perShard[i]`: shard i's pools of the phase). */
export function poolPaces(window: PhaseWindow, perShard: readonly (readonly ShardPoolPace[])[], pacing: boolean, now: EpochMs): PoolPace[] {
  const duration = window.endsAt - window.startsAt;
  const elapsed = duration <= 0 ? 1 : Math.min(Math.max((now - window.startsAt) / duration, 0), 1);
  const byPool = new Map<string, PoolPace>();
  for (const part of perShard.flat()) {
    const pace = byPool.get(part.poolId) ?? {
      poolId: part.poolId,
      sponsorId: part.sponsorId,
      envelopes: 0,
      issued: 0,
      planned: 0,
      aheadOfPlan: 0,
      pacedShards: 0,
    };
    pace.envelopes += part.issued + part.inStock;
    pace.issued += part.issued;
    if (pacing && part.inStock > 0 && poolHeadroom(part.issued, part.inStock, window, now) === 0) pace.pacedShards++;
    byPool.set(part.poolId, pace);
  }
  return [...byPool.values()].map((pace) => {
    const planned = Math.round(pace.envelopes * elapsed);
    return { ...pace, planned, aheadOfPlan: pace.issued - planned };
  });
}
