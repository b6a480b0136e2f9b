/** Fixtures of pure suites: a shard pool's figures, zero but for the fields given. */
import type { ShardPoolFigures } from "../../src/wire/rpc";

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
