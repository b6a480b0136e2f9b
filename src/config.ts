/** Typed reading of the worker's `[vars]`. */

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export function shardCount(env: Env): number {
  return positiveInt(env.SHARD_COUNT, 16);
}

/** Ledger partitions (LedgerPartition objects); must not change while any wallet holds money. */
export function ledgerPartitionCount(env: Env): number {
  return positiveInt(env.LEDGER_PARTITIONS, 4);
}

export function timelineTtlMs(env: Env): number {
  return positiveInt(env.TIMELINE_TTL_MS, 2000);
}

export function demoMode(env: Env): boolean {
  return env.DEMO_MODE === "on";
}

export function statsFlushMs(env: Env): number {
  return positiveInt(env.STATS_FLUSH_MS, 5000);
}

/** Calls per second the edge lets reach one pool shard (production's soft limit is ~1,000). */
export function shardRpsCeiling(env: Env): number {
  return positiveInt(env.SHARD_RPS_CEILING, 800);
}

/** "on": shards pace issuance so a pool drains over its phase. */
export function issuancePacing(env: Env): boolean {
  return env.ISSUANCE_PACING !== "off";
}

/** Shakes per user (and per device) per 10 s; equal to the SHAKE_LIMITER binding's limit. */
export function shakeLimit(env: Env): number {
  return positiveInt(env.SHAKE_LIMIT, 60);
}

/**
 * "on": edge rate limits are also counted across isolates by the Rate Limiting bindings.
 * "off": only the exact per-isolate counters apply (local benchmarks: miniflare's stand-in
 * for the binding is a cross-worker call that costs more than the shake it guards).
 */
export function sharedRateLimits(env: Env): boolean {
  return env.SHARED_RATE_LIMITS !== "off";
}

/** New sessions per device id (per IP without one) per 60 s; equal to the SESSION_LIMITER binding's limit. */
export function sessionLimit(env: Env): number {
  return positiveInt(env.SESSION_LIMIT, 30);
}

/** How long the edge waits for a pool shard's claim answer before answering `busy`. */
export function shardCallTimeoutMs(env: Env): number {
  return positiveInt(env.SHARD_CALL_TIMEOUT_MS, 3000);
}

/** The cron's repair bound: money pending longer than this is sent again (money/repair.ts). */
export function repairAfterMs(env: Env): number {
  return positiveInt(env.REPAIR_AFTER_MS, 120_000);
}
