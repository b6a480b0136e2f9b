/**
 * Pre-split pool layout: a sponsor's budget is split into envelopes ahead of time and the
 * envelopes are dealt round-robin across every shard, like the seed system's envelope files
 * split per machine. Each shard's part carries its own count and sum for verification.
 */
import type { ShardLoad } from "../wire/index";

export interface ShardPart extends ShardLoad {
  amounts: number[];
}

export function dealAcrossShards(amounts: readonly number[], shardCount: number): ShardPart[] {
  const parts: ShardPart[] = Array.from({ length: shardCount }, (_, shard) => ({
    shard,
    count: 0,
    sumCents: 0,
    amounts: [],
  }));
  amounts.forEach((amount, i) => {
    const part = parts[i % shardCount];
    part.amounts.push(amount);
    part.count += 1;
    part.sumCents += amount;
  });
  return parts;
}
