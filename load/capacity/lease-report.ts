/**
 * The edge-lease part of `npm run capacity`: what leases do to the shard count at the
 * reference peak, per shard count and at the smallest one that fits. Only printing lives
 * here; the arithmetic is in leases.ts.
 */
import { columns, n, pct } from "./format.ts";
import { leasePlan, leaseShardCount, type LeaseInputs } from "./leases.ts";
import type { CapacityPlan, GalaInputs } from "./model.ts";

const SHARD_COUNTS = [128, 64, 32, 16, 8, 4];

export function printLeases(g: GalaInputs, l: LeaseInputs, shardPlan: CapacityPlan): void {
  console.log(
    `\nEdge leases at the reference peak (${n(g.envelopesPerSecond)} envelopes/s, ${n(shardPlan.isolates)} isolates, blocks of ${l.blockSize}, leases of ${n(l.leaseSeconds)} s, ` +
      `${n(l.busyFallbacksPerExchange, 2)} fallback claims per exchange when busy, ${n(l.shardRecordsPerSecond)} records/s per shard)`,
  );
  const row = columns(8, 12, 11, 10, 12, 8, 12, 8, 16);
  console.log(row("shards", "env/pair/s", "per lease", "env/call", "calls/shard", "load", "recs/shard", "load", "lent at most"));
  for (const shards of SHARD_COUNTS) {
    const p = leasePlan(g, l, shardPlan.isolates, shards);
    console.log(
      row(
        String(shards),
        n(p.perPairEnvelopesPerSecond, 3),
        n(p.envelopesPerLease, 1),
        n(p.envelopesPerShardCall, 1),
        n(p.perShardCallsPerSecond),
        pct(p.perShardCallLoad),
        n(p.perShardRecordsPerSecond),
        pct(p.perShardRecordLoad),
        n(p.envelopesLent),
      ),
    );
  }
  const best = leaseShardCount(g, l, shardPlan.isolates);
  console.log(
    best
      ? `  shards with leases         ${best.shards} (calls ${pct(best.perShardCallLoad)} of the per-object limit, records ${pct(best.perShardRecordLoad)} of a shard's rate), against ${shardPlan.shardCount} with one call per candidate`
      : `  shards with leases         none fits under ${pct(g.shardUtilisation, 0)} of the per-object limit`,
  );
}
