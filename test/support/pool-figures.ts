/** Fixtures of pure suites: a shard pool's figures, zero but for the fields given, and a shard's books. */
import type { ShardBooks, ShardPoolFigures } from "../../src/wire/rpc";

const none = { count: 0, cents: 0 };

export const poolFigures = (fields: Pick<ShardPoolFigures, "poolId"> & Partial<ShardPoolFigures>): ShardPoolFigures => ({
  loadedCount: 0,
  loadedCents: 0,
  remainingCount: 0,
  remainingCents: 0,
  leasedCount: 0,
  leasedCents: 0,
  claimedCount: 0,
  claimedCents: 0,
  mergedInCount: 0,
  mergedInCents: 0,
  mergedOutCount: 0,
  mergedOutCents: 0,
  opened: none,
  settled: none,
  swept: none,
  voided: none,
  ...fields,
});

/** A shard's books: its pools and moves, nothing leased, merging or over a limit. */
export const shardBooks = (shard: number, pools: ShardPoolFigures[], moves: ShardBooks["moves"] = []): ShardBooks => ({
  shard,
  pools,
  moves,
  maxClaimsPerUser: 0,
  maxClaimsPerUserSponsor: 0,
  duplicateEnvelopeClaims: 0,
  leases: [],
  leaseCounters: { calls: 0, mergeCalls: 0, recorded: 0, voided: 0 },
  merging: 0,
});
