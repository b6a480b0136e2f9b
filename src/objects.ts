/** Stubs for the Durable Objects, addressed by name. */
import { shardCount } from "./config";
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
