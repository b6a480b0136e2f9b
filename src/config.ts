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

/** Where viewer pages read the published timeline and how often (wire `LiveTimelineSource`). */
export function liveTimelineSource(env: Env): { url: string; pollMs: number } {
  return { url: env.LIVE_TIMELINE_URL || DEV_LIVE_URL, pollMs: positiveInt(env.LIVE_POLL_MS, 5000) };
}

/** The development route that stands in for the public bucket (src/routes/dev-live.ts). */
export const DEV_LIVE_URL = "/api/dev-live/timeline.json";

/** How long Cloudflare's cache may serve one published copy, in seconds (its Cache-Control max-age). */
export function liveMaxAgeS(env: Env): number {
  return positiveInt(env.LIVE_MAX_AGE_S, 2);
}

export function demoMode(env: Env): boolean {
  return env.DEMO_MODE === "on";
}

export function statsFlushMs(env: Env): number {
  return positiveInt(env.STATS_FLUSH_MS, 5000);
}

/**
 * Shakes per second one edge isolate answers before it sheds its own load: about twice what
 * one isolate answered on a decided-at-the-edge shake route on a 2-core machine (~5,900/s).
 */
export function edgeRpsCeiling(env: Env): number {
  return positiveInt(env.EDGE_RPS_CEILING, 10_000);
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

/** Viewer calls besides the shake per user (and per device) per 10 s; equal to the VIEWER_LIMITER binding's limit. */
export function viewerLimit(env: Env): number {
  return positiveInt(env.VIEWER_LIMIT, 30);
}

/** Viewer calls besides the shake per client address per 10 s; equal to the ADDRESS_LIMITER binding's limit. */
export function addressLimit(env: Env): number {
  return positiveInt(env.ADDRESS_LIMIT, 300);
}

/** New sessions per device id (per IP without one) per 60 s; equal to the SESSION_LIMITER binding's limit. */
export function sessionLimit(env: Env): number {
  return positiveInt(env.SESSION_LIMIT, 30);
}

/** How long the edge waits for a pool shard's claim answer before answering `busy`. */
export function shardCallTimeoutMs(env: Env): number {
  return positiveInt(env.SHARD_CALL_TIMEOUT_MS, 3000);
}

/** Shortest break-glass ADMIN_SECRET the worker accepts to run with. */
export const MIN_ADMIN_SECRET_CHARS = 32;

/**
 * What makes this configuration unsafe to serve, checked before every API request (a few
 * string comparisons): a short admin secret, the development identity provider or
 * unchallenged anonymous sessions in production. Null when it is fine.
 */
export function configProblem(env: Env): string | null {
  if (env.ADMIN_SECRET && env.ADMIN_SECRET.length < MIN_ADMIN_SECRET_CHARS) {
    return `ADMIN_SECRET must be at least ${MIN_ADMIN_SECRET_CHARS} characters`;
  }
  if (!isProduction(env)) return null;
  if (env.DEV_IDP === "on") return "the development identity provider cannot be enabled in production";
  if (env.ANONYMOUS_SESSIONS === "on") return 'anonymous sessions in production need Turnstile (ANONYMOUS_SESSIONS = "turnstile")';
  return null;
}

/** "production" marks the deployed environment: the development identity provider is refused there. */
export function isProduction(env: Env): boolean {
  return env.ENVIRONMENT === "production";
}

/** The development identity provider (JWKS, sign-in page, Turnstile stand-in): development only. */
export function devIdpEnabled(env: Env): boolean {
  return env.DEV_IDP === "on" && !isProduction(env);
}

/** The development stand-in for the public timeline bucket: development only, like the identity provider. */
export function devLiveEnabled(env: Env): boolean {
  return !isProduction(env);
}

/**
 * Sessions without an ID token: "on" (demo mode), "turnstile" (each needs a Cloudflare
 * Turnstile token verified server-side) or "off" (sign-in required).
 */
export function anonymousSessions(env: Env): "on" | "turnstile" | "off" {
  const mode = env.ANONYMOUS_SESSIONS;
  return mode === "on" || mode === "turnstile" ? mode : "off";
}

/** Objects remembering exchanged ID tokens (a change forgets the tokens used before it). */
export function idTokenShards(env: Env): number {
  return positiveInt(env.ID_TOKEN_SHARDS, 4);
}

/** How long after a JWKS fetch an unknown key id may trigger another fetch. */
export function jwksCooldownMs(env: Env): number {
  return positiveInt(env.JWKS_COOLDOWN_MS, 30_000);
}

/** The cron's repair bound: money pending longer than this is sent again (money/repair.ts). */
export function repairAfterMs(env: Env): number {
  return positiveInt(env.REPAIR_AFTER_MS, 120_000);
}

/** Most envelopes one edge lease holds (the isolate asks for fewer while it issues slowly). */
export function leaseBlock(env: Env): number {
  return positiveInt(env.LEASE_BLOCK, 256);
}

/** How long an edge lease lets its isolate issue envelopes (never past the phase's end). */
export function leaseTtlMs(env: Env): number {
  return positiveInt(env.LEASE_TTL_MS, 60_000);
}

/**
 * The longest an isolate keeps an issued claim before it reports it (64 waiting go at once,
 * and most reports ride on a lease renewal): the winner's client holds the signed claim
 * meanwhile. Fewer, fuller reports are what let leases lower the shard count (docs/capacity.md).
 */
export function leaseReportMs(env: Env): number {
  return positiveInt(env.LEASE_REPORT_MS, 20_000);
}

/**
 * How long after a lease expires a claim issued from it can still be presented: the lease's
 * unreported envelopes go back to the pool only then, so a winner whose isolate vanished
 * keeps their envelope (the PWA presents its signed claims on start and after each win).
 */
export function leasePresentMs(env: Env): number {
  return positiveInt(env.LEASE_PRESENT_MS, 600_000);
}

/**
 * How long after its issue a claim can still be displaced at its home shard by an
 * earlier-issued claim of the same viewer that arrives by the normal path (an isolate's
 * report): the longest report delay plus a margin. A claim is final after it, and settles
 * only then (docs/money-flow.md, "Which claim a limit keeps").
 */
export function mergeHorizonMs(env: Env): number {
  return positiveInt(env.MERGE_HORIZON_MS, 30_000);
}

/**
 * How long a lease shard gathers reported claims before it merges them into their home
 * shards, one call per home shard (durable-objects/pool-shard/merge-flush.ts): a quarter of
 * MERGE_HORIZON_MS (7.5 s in production, 20 s of report delay and a 2.5 s margin left), so a
 * claim reaches its home within the horizon.
 */
export function mergeFlushMs(env: Env): number {
  return Math.floor(mergeHorizonMs(env) / 4);
}
