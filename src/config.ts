/** Typed reading of the worker's `[vars]`. */

function positiveInt(value: string | undefined, fallback: number): number {
  const n = Number(value);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

export function shardCount(env: Env): number {
  return positiveInt(env.SHARD_COUNT, 16);
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
