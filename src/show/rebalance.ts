/**
 * Shard balance during a live lottery phase: users are pinned to their shard (so per-user
 * limits stay exact), therefore stock moves instead. For each pool of the phase, shards
 * that ran dry receive half of the fullest shard's envelopes through rebalance moves, the
 * same idempotent two-step transfer as leftovers, within the same pool.
 */
import { planRebalance, rebalanceMoveId } from "../domain/moves";
import { executeMove } from "./move-runner";
import { allShards, shardStub } from "../objects";
import type { ShowRegistry } from "./registry";
import type { EpochMs, Phase } from "../wire/index";

export async function rebalancePhase(env: Env, registry: ShowRegistry, phase: Phase, now: EpochMs): Promise<string[]> {
  const shards = allShards(env);
  const stock = await Promise.all(shards.map((shard) => shardStub(env, shard).phaseStock(phase.id)));
  const poolIds = registry
    .pools()
    .filter((p) => p.record.phaseId === phase.id)
    .map((p) => p.record);
  const done: string[] = [];
  for (const pool of poolIds) {
    const remaining = stock.map((rows) => rows.find((r) => r.poolId === pool.poolId)?.count ?? 0);
    for (const transfer of planRebalance(remaining)) {
      const move = registry.planMove(
        {
          moveId: rebalanceMoveId(pool.poolId, transfer.from, transfer.to, now),
          kind: "rebalance",
          fromPoolId: pool.poolId,
          toPoolId: pool.poolId,
          sponsorId: pool.sponsorId,
          fromShards: [transfer.from],
          toShards: [transfer.to],
          limit: transfer.count,
          state: "planned",
          landedCents: null,
          createdAt: now,
        },
        null,
      );
      await executeMove(env, registry, move);
      done.push(move.moveId);
    }
  }
  return done;
}
