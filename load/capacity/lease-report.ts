/**
 * The edge-lease part of `npm run capacity`: what leases do to the shard count at the
 * reference peak, per shard count and at the smallest one that fits, and the model checked
 * against the bench's one isolate. Only printing lives here; the arithmetic is in leases.ts.
 */
import { columns, n, pct } from "./format.ts";
import { leaseShardPlan, leaseShardsNeeded, type LeaseShardInputs } from "./lease-shards.ts";
import { LEASE_LEVERS, leasePlan, leaseShardCount, MEASURED_SCENARIOS, type LeaseInputs } from "./leases.ts";
import type { CapacityPlan, GalaInputs } from "./model.ts";

const SHARD_COUNTS = [128, 64, 32, 16, 8, 4];

export function printLeases(g: GalaInputs, l: LeaseInputs, shardPlan: CapacityPlan): void {
  console.log(
    `\nEdge leases at the reference peak (${n(g.envelopesPerSecond)} envelopes/s, ${n(shardPlan.isolates)} isolates; leases of ${l.minLease}-${l.blockSize} envelopes for ${n(l.leaseSeconds)} s, ` +
      `reports of up to ${l.reportBatch} claims after ${n(l.reportWaitSeconds, 2)} s, ${n(l.fallbacksPerExchange, 2)} fallback claims per exchange, ${n(l.shardRecordsPerSecond)} records/s per shard)`,
  );
  const row = columns(8, 11, 7, 9, 9, 12, 8, 12, 8, 14);
  console.log(row("shards", "env/pair/s", "lease", "claims/", "env/call", "calls/shard", "load", "recs/shard", "load", "lent at most"));
  console.log(row("", "", "", "report", "", "", "", "", "", ""));
  for (const shards of SHARD_COUNTS) {
    const p = leasePlan(g, l, shardPlan.isolates, shards);
    console.log(
      row(
        String(shards),
        n(p.perPairEnvelopesPerSecond, 3),
        n(p.leaseSize),
        n(p.claimsPerReport, 2),
        n(p.envelopesPerShardCall, 2),
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
      : `  shards with leases         none: every shard gets at least ${n(leasePlan(g, l, shardPlan.isolates, 4_096).perShardCallsPerSecond)} calls/s from ${n(shardPlan.isolates)} isolates re-leasing every ${n(l.leaseSeconds)} s, over ${pct(g.shardUtilisation, 0)} of ${n(g.perObjectLimit)} req/s`,
  );
  const lever = columns(-38, 8, 13, 10, 10);
  console.log(lever("  lever", "shards", "calls/shard", "env/call", "records"));
  for (const { setting, change } of LEASE_LEVERS) {
    const p = leaseShardCount(g, { ...l, ...change }, shardPlan.isolates);
    console.log(
      p
        ? lever(
            `  ${setting}`,
            String(p.shards),
            `${n(p.perShardCallsPerSecond)}/s`,
            n(p.envelopesPerShardCall, 2),
            pct(p.perShardRecordLoad),
          )
        : lever(`  ${setting}`, "none", "", "", ""),
    );
  }
  for (const m of MEASURED_SCENARIOS) {
    const p = leasePlan(
      { ...g, envelopesPerSecond: m.envelopesPerSecond },
      { ...l, fallbacksPerExchange: m.fallbacksPerExchange },
      1,
      m.shards,
    );
    console.log(
      `  model vs bench             ${m.name}: ${n(m.envelopesPerSecond)} envelopes/s, one isolate, ${m.shards} shard(s): model ${n(p.envelopesPerShardCall, 1)} envelopes per shard call, measured ${n(m.envelopesPerShardCall, 1)}`,
    );
  }
}

/** Lease shards (issue 25): an isolate leases from its own shard, claims merged into home shards in batches. */
export function printLeaseShards(g: GalaInputs, l: LeaseShardInputs, isolates: number): void {
  console.log(
    `\nLease shards at the reference peak (${n(g.envelopesPerSecond)} envelopes/s, ${n(isolates)} isolates each leasing from its own shard; ` +
      `merges flushed every ${n(l.mergeFlushSeconds, 1)} s; a lottery phase of ${n(l.phaseEnvelopes)} envelopes)`,
  );
  const row = columns(8, 8, 11, 11, 9, 9, 12, 8, 8, 12, 10);
  console.log(row("shards", "lease", "exchange/s", "merge/s", "claims/", "env/call", "calls/shard", "load", "records", "lent", "of phase"));
  console.log(row("", "", "", "", "merge", "", "", "", "", "at most", ""));
  for (const shards of SHARD_COUNTS) {
    const p = leaseShardPlan(g, l, isolates, shards);
    console.log(
      row(
        String(shards),
        n(p.leaseSize),
        n(p.exchangeCallsPerSecond),
        n(p.mergeCallsPerSecond),
        n(p.claimsPerMerge, 1),
        n(p.envelopesPerShardCall, 1),
        n(p.perShardCallsPerSecond),
        pct(p.perShardCallLoad),
        pct(p.perShardRecordLoad),
        n(p.envelopesLent),
        pct(p.lentShareOfPhase, 2),
      ),
    );
  }
  const best = leaseShardsNeeded(g, l, isolates);
  console.log(
    best
      ? `  shards with lease shards   ${best.shards}: ${n(best.envelopesPerShardCall, 1)} envelopes per shard call, lent ${pct(best.lentShareOfPhase, 2)} of a phase, each shard ${n(best.perShardCallsPerSecond)} calls/s = ${pct(best.perShardCallLoad)} of ${n(g.perObjectLimit)} req/s, records ${pct(best.perShardRecordLoad)} of a shard's rate`
      : "  shards with lease shards   none fits",
  );
}
