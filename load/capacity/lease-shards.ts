/**
 * Edge leases with lease shards (issue 25, docs/capacity.md): pure arithmetic. An isolate
 * leases from its own lease shard (src/domain/lease-terms.ts `leaseShardsOf`), whoever its
 * viewers are, and the lease shard merges the claims into each viewer's home shard in
 * batches (durable-objects/pool-shard/merge-flush.ts). At `E` envelopes/s over `I` isolates
 * and `S` shards an isolate issues `r = E / I` envelopes/s and
 * - leases `want = clamp(r × H, MIN, B)` envelopes at a time, so `1 / min(T, want / r)`
 *   lease calls/s (about `2r` for an isolate under one envelope per lease time);
 * - reports on those calls (an exchange carries every claim due); a separate report call
 *   only when reports come due faster: `r / min(R, 1 + r × W)`; so `max` of the two, and `f`
 *   fallback shard claims per exchange on top (measured by `npm run bench`);
 * - each lease shard flushes every `F` (a quarter of MERGE_HORIZON_MS) one merge call to
 *   every other home shard with a claim waiting: `n = E × F / S` claims per flush spread over
 *   `S − 1` other homes, `(S − 1) × (1 − (1 − 1/S)^n)` calls per flush.
 *
 *   calls/s                   I × (1 + f) × max(lease, report)  +  S × homes per flush / F
 *   envelopes per shard call  E / calls
 *   per shard                 calls / S received (exchanges of the I / S isolates it lends to, merges from the others)
 *   lent at most              I × want (every isolate holding a fresh lease), against a phase's envelopes
 *
 * Presentations (a client presenting a claim its vanished isolate never reported) are left
 * out: they come only with isolate losses.
 */
import type { LeaseInputs } from "./leases.ts";
import type { GalaInputs } from "./model.ts";

export interface LeaseShardInputs extends LeaseInputs {
  /** How long a lease shard gathers claims before one merge call per home shard (MERGE_HORIZON_MS / 4). */
  mergeFlushSeconds: number;
  /** Envelopes of one lottery phase (what the lent stock is a share of). */
  phaseEnvelopes: number;
}

export interface LeaseShardPlan {
  shards: number;
  isolates: number;
  perIsolateEnvelopesPerSecond: number;
  leaseSize: number;
  /** Calls from isolates to their lease shards (lease, report, hand back). */
  exchangeCallsPerSecond: number;
  /** Calls from lease shards to home shards (merges). */
  mergeCallsPerSecond: number;
  envelopesPerShardCall: number;
  /** Claims one merge call carries on average. */
  claimsPerMerge: number;
  envelopesLent: number;
  lentShareOfPhase: number;
  /** Each shard's calls received per second (isolates spread evenly by their ids), against the per-object limit. */
  perShardCallsPerSecond: number;
  perShardCallLoad: number;
  perShardRecordsPerSecond: number;
  perShardRecordLoad: number;
}

export function leaseShardPlan(g: GalaInputs, l: LeaseShardInputs, isolates: number, shards: number): LeaseShardPlan {
  const r = g.envelopesPerSecond / isolates;
  const want = Math.max(Math.min(l.minLease, l.blockSize), Math.min(l.blockSize, Math.ceil(r * l.horizonSeconds)));
  const leaseCalls = r * l.leaseSeconds >= 1 ? 1 / Math.min(l.leaseSeconds, want / r) : 2 * r;
  const reportCalls = r / Math.min(l.reportBatch, 1 + r * l.reportWaitSeconds);
  const exchangeCalls = isolates * (1 + l.fallbacksPerExchange) * Math.max(leaseCalls, reportCalls);
  const perFlush = (g.envelopesPerSecond * l.mergeFlushSeconds) / shards;
  const homesPerFlush = (shards - 1) * (1 - (1 - 1 / shards) ** perFlush);
  const mergeCalls = (shards * homesPerFlush) / l.mergeFlushSeconds;
  const calls = exchangeCalls + mergeCalls;
  const lent = isolates * want;
  return {
    shards,
    isolates,
    perIsolateEnvelopesPerSecond: r,
    leaseSize: want,
    exchangeCallsPerSecond: exchangeCalls,
    mergeCallsPerSecond: mergeCalls,
    envelopesPerShardCall: g.envelopesPerSecond / calls,
    claimsPerMerge: homesPerFlush > 0 ? (perFlush * (shards - 1)) / shards / homesPerFlush : 0,
    envelopesLent: lent,
    lentShareOfPhase: lent / l.phaseEnvelopes,
    perShardCallsPerSecond: calls / shards,
    perShardCallLoad: calls / shards / g.perObjectLimit,
    perShardRecordsPerSecond: g.envelopesPerSecond / shards,
    perShardRecordLoad: g.envelopesPerSecond / shards / l.shardRecordsPerSecond,
  };
}

/** The smallest power-of-two shard count whose calls and records per shard both stay under the planned share, or null. */
export function leaseShardsNeeded(g: GalaInputs, l: LeaseShardInputs, isolates: number, maxShards = 4_096): LeaseShardPlan | null {
  for (let shards = 1; shards <= maxShards; shards *= 2) {
    const p = leaseShardPlan(g, l, isolates, shards);
    if (p.perShardCallLoad <= g.shardUtilisation && p.perShardRecordLoad <= g.shardUtilisation) return p;
  }
  return null;
}
