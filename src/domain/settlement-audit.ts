/**
 * Money in motion, merged to the cent: for every pool, claimed (from the shards) must equal
 * settled (from the D1 ledger) plus pending (claims the consumer has not confirmed yet).
 * A claim whose ledger row is written but whose confirmation has not reached its shard is
 * counted once, as settled, using the ledger's answer for the shards' in-flight claims.
 * Claims pending longer than the threshold are named and fail the audit: pending past the
 * bound is a loss until the repair has sent them again (money/repair.ts).
 */
import type { PendingClaim, PoolRecord, PoolSettlement, SettlementAudit } from "../wire/index";
import type { ShardFigures, ShardSettlementFigures } from "../wire/rpc";

/** Settled envelope money of one pool, as the ledger sums it. */
export interface LedgerPoolSums {
  poolId: string;
  count: number;
  cents: number;
}

export interface SettlementAuditInput {
  pools: readonly PoolRecord[];
  claims: readonly ShardFigures[];
  motion: readonly ShardSettlementFigures[];
  ledger: readonly LedgerPoolSums[];
  /** Claim ids among the shards' in-flight claims that already have a ledger row. */
  inLedger: ReadonlySet<string>;
  now: number;
  stuckAfterMs: number;
}

function addTo(map: Map<string, { count: number; cents: number }>, poolId: string, count: number, cents: number) {
  const sums = map.get(poolId) ?? { count: 0, cents: 0 };
  map.set(poolId, { count: sums.count + count, cents: sums.cents + cents });
}

/** Dead-lettered, or on the queue (or opened and never sent) for longer than the threshold. */
function isStuck(claim: PendingClaim, now: number, stuckAfterMs: number): boolean {
  const since = claim.enqueuedAt ?? claim.openedAt;
  return claim.deadAt !== null || (since !== null && now - since >= stuckAfterMs);
}

export function mergeSettlement(input: SettlementAuditInput): SettlementAudit {
  const claimed = new Map<string, { count: number; cents: number }>();
  const pending = new Map<string, { count: number; cents: number }>();
  for (const shard of input.claims) for (const p of shard.pools) addTo(claimed, p.poolId, p.claimedCount, p.claimedCents);
  for (const shard of input.motion) {
    for (const p of shard.unconfirmed) addTo(pending, p.poolId, p.count, p.cents);
    for (const claim of shard.inFlight) {
      if (input.inLedger.has(claim.claimId)) addTo(pending, claim.poolId, -1, -claim.amountCents);
    }
  }
  const settled = new Map(input.ledger.map((row) => [row.poolId, row]));
  const zero = { count: 0, cents: 0 };
  const pools: PoolSettlement[] = input.pools.map(({ poolId }) => {
    const c = claimed.get(poolId) ?? zero;
    const s = settled.get(poolId) ?? zero;
    const p = pending.get(poolId) ?? zero;
    return {
      poolId,
      claimedCents: c.cents,
      settledCents: s.cents,
      pendingCents: p.cents,
      settledCount: s.count,
      pendingCount: p.count,
      balanced: c.cents === s.cents + p.cents && c.count === s.count + p.count,
    };
  });
  const known = new Set(input.pools.map((p) => p.poolId));
  const unknownLedgerCents = input.ledger.filter((row) => !known.has(row.poolId)).reduce((sum, row) => sum + row.cents, 0);
  const stuck = input.motion.flatMap((shard) => [
    ...shard.inFlight.filter((claim) => !input.inLedger.has(claim.claimId) && isStuck(claim, input.now, input.stuckAfterMs)),
    ...shard.stranded,
  ]);
  return {
    balanced: pools.every((p) => p.balanced) && unknownLedgerCents === 0 && stuck.length === 0,
    stuckAfterMs: input.stuckAfterMs,
    pools,
    unknownLedgerCents,
    stuck,
  };
}
