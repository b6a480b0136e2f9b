/**
 * Executes a planned move as an idempotent two-step transfer. Step 1: every source shard
 * takes its envelopes out under the move id (a retry gets the same envelopes back, never
 * new ones). Step 2: the envelopes are dealt round-robin to the destination shards, each of
 * which receives them once per move id, or they go back to the sponsor's unallocated
 * budget. Only then is the move marked done. Interrupted anywhere, running it again
 * finishes it and moves nothing twice.
 */
import { dealAcrossShards } from "../domain/pool-plan";
import { shardStub } from "../objects";
import type { ShowRegistry } from "./registry";
import type { MoveRecord } from "../wire/index";

export async function executeMove(env: Env, registry: ShowRegistry, move: MoveRecord): Promise<number> {
  if (move.state === "done") return move.landedCents ?? 0;
  const takes = await Promise.all(
    move.fromShards.map((shard) => shardStub(env, shard).takeEnvelopes(move.moveId, move.fromPoolId, move.limit)),
  );
  const amounts = takes.flat();
  const cents = amounts.reduce((a, b) => a + b, 0);
  if (move.toPoolId !== null && amounts.length > 0) {
    const target = registry.pools().find((p) => p.record.poolId === move.toPoolId)?.record;
    if (!target) throw new Error(`move ${move.moveId}: unknown destination pool ${move.toPoolId}`);
    const parts = dealAcrossShards(amounts, move.toShards.length).filter((part) => part.count > 0);
    await Promise.all(
      parts.map((part) =>
        shardStub(env, move.toShards[part.shard]).receiveEnvelopes({
          moveId: move.moveId,
          poolId: target.poolId,
          phaseId: target.phaseId,
          sponsorId: target.sponsorId,
          amounts: part.amounts,
        }),
      ),
    );
  }
  registry.finishMove(move.moveId, cents);
  return cents;
}
