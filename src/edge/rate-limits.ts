/**
 * Edge rate limits, checked before any Durable Object is touched; excess gets 429 with
 * Retry-After. Two layers:
 * - an exact per-isolate window counter (WindowCounter), which decides at once, in memory;
 * - the Workers Rate Limiting binding (`[[ratelimits]]` in wrangler.toml), which counts
 *   across the isolates of a location. It is asked in the background (at most
 *   MAX_PENDING_CHECKS at a time per isolate) and a key it refuses is blocked in this
 *   isolate until the window ends. Its answer takes under a millisecond in production;
 *   miniflare's local stand-in is a Durable Object serving a few hundred calls a second,
 *   which must not cap the local shake rate, hence the background check.
 * A limiter that fails lets the request through: a limiter outage must not stop the show.
 * Three budgets: shakes (per user, per device), new sessions (per device, else per
 * address) and every other viewer call, such as open, present, wallet and groups (per user,
 * per device, and per client address for all the sessions behind it).
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { UserVars } from "../auth/middleware";
import { addressLimit, sessionLimit, shakeLimit, sharedRateLimits, viewerLimit } from "../config";
import { addressKey } from "../domain/address-key";
import { WindowCounter } from "../domain/window-counter";
import { ApiError } from "../errors";
import type { Background } from "./context";

/** Must match the `period` of the bindings in wrangler.toml. */
const SHAKE_PERIOD_S = 10;
const SESSION_PERIOD_S = 60;
const VIEWER_PERIOD_S = 10;
const MAX_PENDING_CHECKS = 64;

interface Layer {
  counter: WindowCounter;
  pending: number;
}

const layers = new Map<string, Layer>();

/** The layer of a name; a changed limit (a test's env) starts it afresh. */
function layer(name: string, limit: number, periodSeconds: number): Layer {
  let found = layers.get(name);
  if (!found || found.counter.limit !== limit || found.counter.periodSeconds !== periodSeconds) {
    found = { counter: new WindowCounter(limit, periodSeconds), pending: 0 };
    layers.set(name, found);
  }
  return found;
}

async function bindingAllows(binding: RateLimit, key: string): Promise<boolean> {
  try {
    return (await binding.limit({ key })).success;
  } catch (err) {
    console.warn("rate limiter unavailable; letting the request through", String(err));
    return true;
  }
}

const shared = (env: Env, binding: RateLimit): RateLimit | null => (sharedRateLimits(env) ? binding : null);

/**
 * Counts one hit of `id` in this isolate (no allocation when the key is known in the
 * window) and, when the binding is on, asks it in the background under `prefix:id`.
 */
function enforce(background: Background, binding: RateLimit | null, state: Layer, prefix: string, id: string, what: string): void {
  const now = Date.now();
  if (!state.counter.hit(id, now)) {
    throw new ApiError(429, "rate_limited", `too many ${what}; slow down`, {
      "Retry-After": String(state.counter.retryAfterSeconds(now)),
    });
  }
  if (!binding || state.pending >= MAX_PENDING_CHECKS) return;
  state.pending++;
  background.waitUntil(
    bindingAllows(binding, `${prefix}:${id}`)
      .then((allowed) => {
        if (!allowed) state.counter.block(id, Date.now());
      })
      .finally(() => state.pending--),
  );
}

/**
 * One user, and every session of one device together, get one phone's worth of shakes:
 * both counters are checked, the user's first.
 */
export function enforceShakeLimit(env: Env, background: Background, userId: string, deviceId: string | undefined): void {
  const binding = shared(env, env.SHAKE_LIMITER);
  const limit = shakeLimit(env);
  enforce(background, binding, layer("shake-user", limit, SHAKE_PERIOD_S), "user", userId, "shakes");
  if (deviceId) enforce(background, binding, layer("shake-device", limit, SHAKE_PERIOD_S), "device", deviceId, "shakes");
}

/** `enforceShakeLimit` as middleware, for the JSON-body shake route. */
export const shakeRateLimit = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  enforceShakeLimit(c.env, c.executionCtx, c.get("userId"), c.get("deviceId"));
  await next();
});

/**
 * Every viewer call besides the shake and the session (open, present, wallet, groups): the
 * user's and the device's budget, as for shakes, so one session cannot keep its home shard
 * busy for the 1/SHARD_COUNT of viewers it shares it with; and the client address's budget,
 * so sessions minted by the hundred behind one address share one (IPv6 per /64).
 */
export const viewerRateLimit = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  const background: Background = c.executionCtx;
  const binding = shared(c.env, c.env.VIEWER_LIMITER);
  const limit = viewerLimit(c.env);
  const deviceId = c.get("deviceId");
  enforce(background, binding, layer("viewer-user", limit, VIEWER_PERIOD_S), "user", c.get("userId"), "requests");
  if (deviceId) enforce(background, binding, layer("viewer-device", limit, VIEWER_PERIOD_S), "device", deviceId, "requests");
  const ip = c.req.header("CF-Connecting-IP");
  if (ip) {
    const address = layer("viewer-address", addressLimit(c.env), VIEWER_PERIOD_S);
    enforce(background, shared(c.env, c.env.ADDRESS_LIMITER), address, "address", addressKey(ip), "requests from this address");
  }
  await next();
});

/**
 * New sessions per device id; a client that names no device (the PWA always does) is
 * counted per IP address (IPv6 per /64) instead, so one script cannot mint sessions without limit.
 */
export function enforceSessionLimit(c: Context<{ Bindings: Env }>, deviceId: string | undefined): void {
  const ip = c.req.header("CF-Connecting-IP");
  const [prefix, id] = deviceId ? ["device", deviceId] : ip ? ["ip", addressKey(ip)] : [null, null];
  if (!prefix || !id) return;
  enforce(
    c.executionCtx,
    shared(c.env, c.env.SESSION_LIMITER),
    layer(`session-${prefix}`, sessionLimit(c.env), SESSION_PERIOD_S),
    prefix,
    id,
    "new sessions",
  );
}
