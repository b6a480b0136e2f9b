/** Fixtures of pure suites: a shard pool's claim totals with nothing opened, settled, swept or voided. */
import type { ShardPoolFigures } from "../../src/wire/rpc";

const none = { count: 0, cents: 0 };

export const NO_CLAIM_STATES: Pick<ShardPoolFigures, "opened" | "settled" | "swept" | "voided"> = {
  opened: none,
  settled: none,
  swept: none,
  voided: none,
};
