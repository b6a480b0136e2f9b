/** Stubs for the Durable Objects, addressed by name. */
import { idTokenShards, ledgerPartitionCount, shardCount } from "./config";
import { shardOf } from "./domain/hash";

export function timelineStub(env: Env) {
  return env.TIMELINE.getByName("timeline");
}

/**
 * Shard ids by namespace, derived once per isolate: deriving an id hashes its name, and a
 * candidate's trip to its shard is on the hot path. Stubs stay per call (a stub belongs
 * to the request that made it); an id is plain data.
 */
const shardIds = new WeakMap<object, DurableObjectId[]>();

export function shardStub(env: Env, shard: number) {
  let ids = shardIds.get(env.POOL_SHARD);
  if (!ids) {
    ids = [];
    shardIds.set(env.POOL_SHARD, ids);
  }
  const id = (ids[shard] ??= env.POOL_SHARD.idFromName(`shard-${shard}`));
  return env.POOL_SHARD.get(id);
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

/** The object remembering an exchanged ID token, by the hash the key of the token was reduced to. */
export function usedIdTokensStub(env: Env, keyHash: string) {
  return env.USED_ID_TOKENS.getByName(`used-id-tokens-${shardOf(keyHash, idTokenShards(env))}`);
}

export function allLedgerPartitions(env: Env): number[] {
  return Array.from({ length: ledgerPartitionCount(env) }, (_, i) => i);
}
