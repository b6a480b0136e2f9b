/**
 * `npm run capacity`: the gala-scale simulation (no network). Prints the capacity plan for
 * the reference gala (14 million shakes/s, 50,000 envelopes/s), the project's production
 * shard count against it, what edge leases do to the shard count, a second-by-second regional spike with graded throttling,
 * how the timeline reaches phones, and the bill of the reference gala and of a small show.
 * `npm run capacity -- --json` prints the bills (and the plans they rest on) as JSON instead,
 * for checks to read (`bill.referenceGala.totalUsd`, `leases.envelopesPerShardCall`,
 * `leases.lentShareOfPhase`, `leases.shards`). Change the inputs in model.ts
 * (REFERENCE_GALA, REGION_SPIKE), shows.ts (the shows) or prices.ts to plan another show.
 */
import { readFileSync } from "node:fs";
import { billReport, printLive, printOwnServers, printSensitivity, printShowCost } from "./cost-report.ts";
import { deploymentOf } from "./deployment.ts";
import { planLive } from "./live.ts";
import { n, pct } from "./format.ts";
import { printLeases, printLeaseShards } from "./lease-report.ts";
import { leaseShardsNeeded, type LeaseShardInputs } from "./lease-shards.ts";
import { REFERENCE_LEASES } from "./leases.ts";
import { planLedger, REFERENCE_LEDGER } from "./ledger.ts";
import { plan, REFERENCE_GALA, REGION_SPIKE, simulateSpike, THROTTLE_LEVELS, type CapacityPlan } from "./model.ts";
import { REFERENCE_SHOW, SMALL_SHOW } from "./shows.ts";

/** The numeric `[env.production.vars]` of wrangler.toml, so the plan follows the deployed settings. */
const PRODUCTION_VARS: Record<string, string> = Object.fromEntries(
  [
    ...(
      readFileSync(new URL("../../wrangler.toml", import.meta.url), "utf8")
        .split("[env.production.vars]")[1]
        ?.split(/^\[/m)[0] ?? ""
    ).matchAll(/^(\w+)\s*=\s*"(\d+)"/gm),
  ].map(([, name, value]) => [name, value]),
);

function productionVar(name: string): number {
  const value = Number(PRODUCTION_VARS[name]);
  if (!Number.isFinite(value)) throw new Error(`wrangler.toml has no ${name} under [env.production.vars]`);
  return value;
}

const PRODUCTION_SHARDS = productionVar("SHARD_COUNT");
const LEDGER = { ...REFERENCE_LEDGER, shards: PRODUCTION_SHARDS };
const ledger = planLedger(LEDGER);
/** Settlement messages carry a shard's batch of claims (load/capacity/ledger.ts). */
const GALA = { ...REFERENCE_GALA, timelineTtlMs: productionVar("TIMELINE_TTL_MS"), claimsPerMessage: ledger.claimsPerMessage };

function printPlan(title: string, p: CapacityPlan): void {
  const g = GALA;
  console.log(`\n${title}`);
  console.log(`  candidate probability      ${pct(p.candidateRate, 3)} of lottery shakes -> ${n(p.candidatesPerSecond)} shard requests/s`);
  console.log(
    `  shards                     ${p.shardCount} (at least ${p.shardsNeeded} to stay under ${pct(g.shardUtilisation, 0)} of ${n(g.perObjectLimit)} req/s)`,
  );
  console.log(`  per-shard rate             ${n(p.perShardRequestsPerSecond)} req/s = ${pct(p.perShardLoad)} of the per-object limit`);
  console.log(`  edge isolates              ${n(p.isolates)} (${n(g.perIsolateShakesPerSecond)} shakes/s each, >= ${g.colos} colos)`);
  console.log(`  timeline fan-in            ${n(p.timelineReadsPerSecond)} reads/s with per-isolate caches (TTL ${n(g.timelineTtlMs)} ms)`);
  console.log(`                             ${n(p.timelineReadsPerSecondPerColoCache)} reads/s with one refresher per colo`);
  console.log(
    `                             per-isolate TTL must be >= ${n(p.minTimelineTtlMs)} ms to stay under ${pct(g.shardUtilisation, 0)} of the limit`,
  );
  console.log(
    `  settlement                 ${n(p.settlementMessagesPerSecond)} messages/s (${n(g.claimsPerMessage, 1)} claims each) -> ${p.queuesNeeded} queue(s) at ${n(g.perQueueMessagesPerSecond)}/s`,
  );
  console.log(
    `                             one queue: backlog ${n(p.oneQueueBacklog)} after a ${g.peakSeconds}s peak, drained in ${n(p.oneQueueDrainSeconds)} s`,
  );
}

const LEASES = {
  ...REFERENCE_LEASES,
  blockSize: productionVar("LEASE_BLOCK"),
  leaseSeconds: productionVar("LEASE_TTL_MS") / 1_000,
  reportWaitSeconds: productionVar("LEASE_REPORT_MS") / 1_000 + 0.05,
};
/** Lease shards: merges flushed every quarter of MERGE_HORIZON_MS (src/config.ts mergeFlushMs), lent stock against one lottery phase's envelopes. */
const LEASE_SHARDS: LeaseShardInputs = {
  ...LEASES,
  mergeFlushSeconds: productionVar("MERGE_HORIZON_MS") / 4_000,
  phaseEnvelopes: REFERENCE_SHOW.envelopes / REFERENCE_SHOW.lotteryPhases,
};

/** The reference gala's lease shards as JSON: envelopes per shard call, lent stock, each shard against the per-object limit. */
function leasesReport() {
  const p = leaseShardsNeeded(GALA, LEASE_SHARDS, plan(GALA).isolates);
  if (!p) throw new Error("no shard count fits the reference gala's lease shards");
  return {
    envelopesPerShardCall: p.envelopesPerShardCall,
    lentShareOfPhase: p.lentShareOfPhase,
    envelopesLent: p.envelopesLent,
    isolates: p.isolates,
    shards: {
      count: p.shards,
      callsPerShardPerSecond: p.perShardCallsPerSecond,
      exchangeCallsPerSecond: p.exchangeCallsPerSecond,
      mergeCallsPerSecond: p.mergeCallsPerSecond,
      perObjectLimit: GALA.perObjectLimit,
      callLoad: p.perShardCallLoad,
      recordLoad: p.perShardRecordLoad,
    },
  };
}

const DEPLOYMENT = deploymentOf(PRODUCTION_VARS);
/** Pages open at the peak: every phone shaking at once has its page open. */
const PEAK_PAGES = REFERENCE_SHOW.viewers;

function printCapacity(): void {
  printPlan("Reference gala, shard count from the model", plan(GALA));
  printPlan(`Reference gala on the production default (SHARD_COUNT=${PRODUCTION_SHARDS})`, plan(GALA, PRODUCTION_SHARDS));

  printLeases(GALA, LEASES, plan(GALA));
  printLeaseShards(GALA, LEASE_SHARDS, plan(GALA).isolates);

  const shards = plan(GALA).shardCount;
  const s = REGION_SPIKE;
  console.log(
    `\nRegional spike: ${pct(s.regionShare, 0)} of viewers shake ${s.spikeFactor}x from t=${s.spikeStartS}s to t=${s.spikeEndS}s, ${shards} shards, hints obeyed after ${s.hintDelayS}s`,
  );
  console.log("    t  offered shakes/s  level  interval  candidate scale  per-shard req/s  load");
  for (const step of simulateSpike(GALA, s, shards)) {
    if (step.t % 5 !== 0 && ![s.spikeStartS + 1, s.spikeStartS + 2, s.spikeEndS + 1].includes(step.t)) continue;
    console.log(
      [
        String(step.t).padStart(5),
        n(step.offeredShakesPerSecond).padStart(17),
        String(step.regionLevel).padStart(6),
        `${n(THROTTLE_LEVELS[step.regionLevel])} ms`.padStart(9),
        n(step.rateScale, 2).padStart(16),
        n(step.perShardRequestsPerSecond).padStart(16),
        pct(step.perShardLoad).padStart(6),
      ].join(""),
    );
  }

  console.log(
    `\nLedger and settlement at the reference peak (${n(LEDGER.creditsPerSecond)} credits/s, ${n(LEDGER.creditsPerNight)} in the night)`,
  );
  console.log(
    `  partitions                 ${ledger.partitions} (at least ${ledger.partitionsForRate} for the rate at ${n(LEDGER.partitionCreditsPerSecond)} credits/s each, ${ledger.partitionsForSize} for the size at ${n(LEDGER.bytesPerCredit)} B each)`,
  );
  console.log(
    `  per partition              ${n(ledger.perPartitionCreditsPerSecond)} credits/s = ${pct(ledger.perPartitionRateShare)} of its rate; ${n(ledger.perPartitionBytes / 1024 ** 3, 2)} GB after the night = ${pct(ledger.perPartitionSizeShare)} of ${n(LEDGER.partitionSizeLimitBytes / 1024 ** 3)} GB`,
  );
  console.log(
    `  settlement messages        ${n(ledger.claimsPerMessage, 1)} claims each (${LEDGER.shards} shards flushing every ${n(LEDGER.shardFlushMs)} ms) -> ${n(ledger.messagesPerSecond)} messages/s, ${ledger.queuesNeeded} queue(s) at ${pct(ledger.perQueueShare)} of ${n(LEDGER.perQueueMessagesPerSecond)}/s`,
  );
  console.log(
    `  partition writes           ${n(ledger.creditsPerPartitionWrite, 1)} credits per write (a consumer batch of ${LEDGER.consumerBatchMessages} messages grouped by partition)`,
  );
  console.log(`  open to wallet at the peak ${n(ledger.openToWalletSeconds, 2)} s at most (flush + batch wait + write)`);
}

function printText(): void {
  printCapacity();
  printLive(planLive(DEPLOYMENT, PEAK_PAGES), DEPLOYMENT, PEAK_PAGES);
  const reference = printShowCost(REFERENCE_SHOW, DEPLOYMENT);
  printSensitivity(REFERENCE_SHOW, DEPLOYMENT);
  const small = printShowCost(SMALL_SHOW, DEPLOYMENT);
  printOwnServers([
    { show: REFERENCE_SHOW, cloudflareUsd: reference.totalUsd },
    { show: SMALL_SHOW, cloudflareUsd: small.totalUsd },
  ]);
}

if (process.argv.includes("--json")) {
  const report = {
    bill: { referenceGala: billReport(REFERENCE_SHOW, DEPLOYMENT), smallShow: billReport(SMALL_SHOW, DEPLOYMENT) },
    live: planLive(DEPLOYMENT, PEAK_PAGES),
    plan: plan(GALA, PRODUCTION_SHARDS),
    ledger,
    leases: leasesReport(),
  };
  console.log(JSON.stringify(report, null, 2));
} else {
  printText();
}
