/**
 * What edge leases do to the shard count (issue 16, docs/capacity.md): pure arithmetic.
 *
 * A lease is a block of envelopes one isolate holds from one shard, so the unit is the
 * (isolate, shard) pair: a viewer's candidates go to the pair of the isolate that answers
 * and the viewer's home shard. At `E` envelopes/s over `I` isolates and `S` shards, a pair
 * issues `r = E / (I × S)` envelopes/s, and one lease issues `n = min(B, r × T)` of them
 * (B: LEASE_BLOCK; T: how long an isolate issues from one lease before it reports and
 * hands back the rest). Each lease costs one exchange call (which also reports the claims
 * of the lease before it) plus `f` fallback shard claims (candidates that found the lease
 * empty while the next one was on its way), and those fallbacks are envelopes too:
 *
 *   envelopes per shard call  k = (n + f) / (1 + f)
 *   shard calls/s             = E / k           per shard: E / (k × S)
 *   claims recorded/s          = E               per shard: E / S
 *
 * A busy pair (the bench's one isolate) exhausts its block: n = B and f is what the bench
 * measures. A quiet pair's lease ends at T with fewer than B issued; its next candidate
 * finds no lease and falls back (f = 1). The shard count is the smallest power of two that
 * keeps both the calls and the records of each shard under the planned share of what one
 * object takes.
 */
import type { GalaInputs } from "./model.ts";

export interface LeaseInputs {
  /** Envelopes one lease holds at most (LEASE_BLOCK). */
  blockSize: number;
  /** Seconds an isolate issues from one lease before it reports and hands back the rest. */
  leaseSeconds: number;
  /** Fallback shard claims per lease exchange on a busy pair (measured by `npm run bench`). */
  busyFallbacksPerExchange: number;
  /** Fallback shard claims per lease exchange on a pair whose leases end by time (its next candidate finds none). */
  quietFallbacksPerExchange: number;
  /** Leased claims one shard records per second (measured: a lower bound from `leases-one-shard`). */
  shardRecordsPerSecond: number;
}

export interface LeasePlan {
  shards: number;
  isolates: number;
  /** Envelopes per second one (isolate, shard) pair issues. */
  perPairEnvelopesPerSecond: number;
  /** Envelopes one lease issues before it is used up or ends. */
  envelopesPerLease: number;
  fallbacksPerExchange: number;
  envelopesPerShardCall: number;
  shardCallsPerSecond: number;
  perShardCallsPerSecond: number;
  /** Share of the per-object request limit. */
  perShardCallLoad: number;
  perShardRecordsPerSecond: number;
  /** Share of what one shard records per second. */
  perShardRecordLoad: number;
  /** Pairs holding a lease at any moment (a pair leases when a candidate comes and it holds none). */
  pairsLeasing: number;
  /** Envelopes lent out at any moment, at most (every lease a full block): stock the shards no longer hold. */
  envelopesLent: number;
  /** Envelopes issued over one lease time: what the lent stock is for. */
  envelopesIssuedPerLeaseTime: number;
}

export function leasePlan(g: GalaInputs, l: LeaseInputs, isolates: number, shards: number): LeasePlan {
  const perPair = g.envelopesPerSecond / (isolates * shards);
  const byTime = perPair * l.leaseSeconds;
  const usedUp = byTime >= l.blockSize;
  const envelopesPerLease = Math.min(l.blockSize, byTime);
  const fallbacks = usedUp ? l.busyFallbacksPerExchange : l.quietFallbacksPerExchange;
  const k = (envelopesPerLease + fallbacks) / (1 + fallbacks);
  const calls = g.envelopesPerSecond / k;
  // A quiet pair holds a lease for T from a candidate, then none until the next one (1/r on
  // average): a share rT / (1 + rT) of the time. A busy pair always holds one.
  const pairsLeasing = isolates * shards * (usedUp ? 1 : byTime / (1 + byTime));
  return {
    shards,
    isolates,
    perPairEnvelopesPerSecond: perPair,
    envelopesPerLease,
    fallbacksPerExchange: fallbacks,
    envelopesPerShardCall: k,
    shardCallsPerSecond: calls,
    perShardCallsPerSecond: calls / shards,
    perShardCallLoad: calls / shards / g.perObjectLimit,
    perShardRecordsPerSecond: g.envelopesPerSecond / shards,
    perShardRecordLoad: g.envelopesPerSecond / shards / l.shardRecordsPerSecond,
    pairsLeasing,
    envelopesLent: pairsLeasing * l.blockSize,
    envelopesIssuedPerLeaseTime: g.envelopesPerSecond * Math.min(l.leaseSeconds, l.blockSize / perPair),
  };
}

/** The smallest power-of-two shard count whose calls and records per shard both stay under the planned share. */
export function leaseShardCount(g: GalaInputs, l: LeaseInputs, isolates: number, maxShards = 4_096): LeasePlan | null {
  for (let shards = 1; shards <= maxShards; shards *= 2) {
    const p = leasePlan(g, l, isolates, shards);
    if (p.perShardCallLoad <= g.shardUtilisation && p.perShardRecordLoad <= g.shardUtilisation) return p;
  }
  return null;
}

/**
 * The reference gala's leases: LEASE_BLOCK's default, the lease time, and what
 * `npm run bench` measured (docs/performance.md, "Edge leases (issue 16)").
 */
export const REFERENCE_LEASES: LeaseInputs = {
  blockSize: 64,
  leaseSeconds: 30,
  busyFallbacksPerExchange: 1,
  quietFallbacksPerExchange: 1,
  shardRecordsPerSecond: 2_000,
};
