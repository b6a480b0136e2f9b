/** Stubs for the Durable Objects, addressed by name. */
import { ledgerPartitionCount, shardCount } from "./config";
import { shardOf } from "./domain/hash";

export function timelineStub(env: Env) {
  return env.TIMELINE.getByName("timeline");
}

export function shardStub(env: Env, shard: number) {
  return env.POOL_SHARD.getByName(`shard-${shard}`);
}

export function userShard(env: Env, userId: string): number {
  return shardOf(userId, shardCount(env));
}

export function allShards(env: Env): number[] {
  return Array.from({ length: shardCount(env) }, (_, i) => i);
}

export function groupStub(env: Env, groupId: string) {
  return env.GROUP_ENVELOPE.getByName(groupId);
}

/** The ledger partition holding a user's wallet: a hash of the id, salted apart from the shard's. */
export function ledgerPartitionOf(env: Env, userId: string): number {
  return shardOf(`ledger:${userId}`, ledgerPartitionCount(env));
}

export function ledgerOf(env: Env, userId: string) {
  return ledgerStub(env, ledgerPartitionOf(env, userId));
}

export function ledgerStub(env: Env, partition: number) {
  return env.LEDGER_PARTITION.getByName(`ledger-${partition}`);
}

export function allLedgerPartitions(env: Env): number[] {
  return Array.from({ length: ledgerPartitionCount(env) }, (_, i) => i);
}
