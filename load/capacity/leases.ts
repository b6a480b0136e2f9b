/**
 * What edge leases do to the shard count (issue 16, docs/capacity.md): pure arithmetic.
 *
 * A lease is lent by one shard to one isolate, so the unit is the (isolate, shard) pair: a
 * viewer's candidate is answered by the isolate it lands on from that isolate's lease of
 * the viewer's home shard. At `E` envelopes/s over `I` isolates and `S` shards a pair
 * issues `r = E / (I × S)` envelopes/s, and calls its shard (src/edge/edge-leases.ts,
 * src/domain/lease-terms.ts) to
 * - lease: it asks for `want = clamp(r × H, MIN, B)` envelopes (H: the lease horizon, MIN
 *   the smallest lease, B: LEASE_BLOCK) and asks again when half is left or the lease
 *   ends at `T` (LEASE_TTL_MS), but only when candidates came since its last lease: so
 *   `1 / min(T, want / r)` lease calls/s for a pair issuing at least one envelope per lease
 *   time, and for a quieter pair about two calls per envelope (the lease its candidate
 *   asked for, and handing back what it did not issue), `2r`;
 * - report: its issued claims in batches of `R` or `W` after the oldest (plus up to one
 *   sweep), so `m = min(R, 1 + r × W)` claims per report and `r / m` report calls/s;
 * - fall back: `f` shard claims per exchange call, candidates that found the lease empty
 *   while the refill was on its way (measured by `npm run bench`); they are envelopes too.
 *
 *   calls/s per pair          c = (1 + f) × (1 / min(T, want / r) + r / m)
 *   envelopes per shard call  k = r / c
 *   per shard                 calls I × c (each shard has I pairs), records E / S
 *
 * An exchange that leases also carries the reports due, so c counts a few calls twice at
 * most: an upper bound. The shard count is the smallest power of two that keeps both the
 * calls and the records of every shard under the planned share of what one object takes.
 */
import type { GalaInputs } from "./model.ts";

export interface LeaseInputs {
  /** Most envelopes in one lease (LEASE_BLOCK). */
  blockSize: number;
  /** Fewest envelopes an isolate asks for (MIN_LEASE). */
  minLease: number;
  /** A lease is sized to last this long at the pair's rate (LEASE_HORIZON_MS). */
  horizonSeconds: number;
  /** How long an isolate issues from one lease (LEASE_TTL_MS). */
  leaseSeconds: number;
  /** Claims an isolate reports in one call at most (REPORT_BATCH). */
  reportBatch: number;
  /** Longest a claim waits for its report: LEASE_REPORT_MS plus half a sweep interval on average. */
  reportWaitSeconds: number;
  /** Fallback shard claims per exchange call (measured by `npm run bench`: fallback claims / lease calls). */
  fallbacksPerExchange: number;
  /** Leased claims one shard records per second (measured: a lower bound, from `leases-one-shard`). */
  shardRecordsPerSecond: number;
}

export interface LeasePlan {
  shards: number;
  isolates: number;
  /** Envelopes per second one (isolate, shard) pair issues. */
  perPairEnvelopesPerSecond: number;
  /** Envelopes one lease asks for. */
  leaseSize: number;
  leaseCallsPerPairPerSecond: number;
  reportCallsPerPairPerSecond: number;
  claimsPerReport: number;
  envelopesPerShardCall: number;
  shardCallsPerSecond: number;
  perShardCallsPerSecond: number;
  /** Share of the per-object request limit. */
  perShardCallLoad: number;
  perShardRecordsPerSecond: number;
  /** Share of what one shard records per second. */
  perShardRecordLoad: number;
  /** Envelopes lent out at once, at most (every pair holding a fresh lease): stock the shards no longer hold. */
  envelopesLent: number;
}

export function leasePlan(g: GalaInputs, l: LeaseInputs, isolates: number, shards: number): LeasePlan {
  const r = g.envelopesPerSecond / (isolates * shards);
  const want = Math.max(Math.min(l.minLease, l.blockSize), Math.min(l.blockSize, Math.ceil(r * l.horizonSeconds)));
  const leaseCalls = r * l.leaseSeconds >= 1 ? 1 / Math.min(l.leaseSeconds, want / r) : 2 * r;
  const claimsPerReport = Math.min(l.reportBatch, 1 + r * l.reportWaitSeconds);
  const reportCalls = r / claimsPerReport;
  const perPair = (1 + l.fallbacksPerExchange) * (leaseCalls + reportCalls);
  const perShardCalls = isolates * perPair;
  return {
    shards,
    isolates,
    perPairEnvelopesPerSecond: r,
    leaseSize: want,
    leaseCallsPerPairPerSecond: leaseCalls,
    reportCallsPerPairPerSecond: reportCalls,
    claimsPerReport,
    envelopesPerShardCall: r / perPair,
    shardCallsPerSecond: perShardCalls * shards,
    perShardCallsPerSecond: perShardCalls,
    perShardCallLoad: perShardCalls / g.perObjectLimit,
    perShardRecordsPerSecond: g.envelopesPerSecond / shards,
    perShardRecordLoad: g.envelopesPerSecond / shards / l.shardRecordsPerSecond,
    envelopesLent: isolates * shards * want,
  };
}

/** The smallest power-of-two shard count whose calls and records per shard both stay under the planned share, or null. */
export function leaseShardCount(g: GalaInputs, l: LeaseInputs, isolates: number, maxShards = 4_096): LeasePlan | null {
  for (let shards = 1; shards <= maxShards; shards *= 2) {
    const p = leasePlan(g, l, isolates, shards);
    if (p.perShardCallLoad <= g.shardUtilisation && p.perShardRecordLoad <= g.shardUtilisation) return p;
  }
  return null;
}

/**
 * The reference gala's leases: the code's constants (LEASE_BLOCK and LEASE_TTL_MS are
 * replaced by wrangler.toml's production values in run.ts; MIN_LEASE, LEASE_HORIZON_MS,
 * REPORT_BATCH in src/domain/lease-terms.ts, LEASE_REPORT_MS in wrangler.toml; the 100 ms sweep in
 * src/edge/edge-leases.ts) and what was measured (docs/performance.md, "Edge leases (issue 16)"):
 * fallback claims per exchange from `leases-lottery` (6 per 272), records per second from the
 * profile of the same scenario (recordClaim about 320 µs of a shard's CPU per leased claim).
 */
export const REFERENCE_LEASES: LeaseInputs = {
  blockSize: 256,
  minLease: 8,
  horizonSeconds: 4.5,
  leaseSeconds: 60,
  reportBatch: 64,
  reportWaitSeconds: 20.05,
  fallbacksPerExchange: 13 / 101,
  shardRecordsPerSecond: 3_000,
};

/**
 * The bench's lease scenarios as measured (one isolate: every pair is busy), to check the
 * model against: envelopes/s, shards, fallback claims per exchange, envelopes per shard call.
 */
export const MEASURED_SCENARIOS = [
  { name: "leases-lottery", envelopesPerSecond: 1_016, shards: 16, fallbacksPerExchange: 13 / 101, envelopesPerShardCall: 44.6 },
  { name: "leases-one-shard", envelopesPerSecond: 887, shards: 1, fallbacksPerExchange: 184 / 89, envelopesPerShardCall: 16.3 },
];

/** Settings that change what leases cost the shards at gala scale (printed by `npm run capacity`). */
export const LEASE_LEVERS: { setting: string; change: Partial<LeaseInputs> }[] = [
  { setting: "as built", change: {} },
  { setting: "reports after 5 s", change: { reportWaitSeconds: 5 } },
  { setting: "reports after 20 s, leases of 60 s", change: { reportWaitSeconds: 20, leaseSeconds: 60 } },
  { setting: "reports after 60 s, leases of 120 s", change: { reportWaitSeconds: 60, leaseSeconds: 120 } },
];
