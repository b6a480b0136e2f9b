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
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { UserVars } from "../auth/middleware";
import { sessionLimit, shakeLimit, sharedRateLimits } from "../config";
import { WindowCounter } from "../domain/window-counter";
import { ApiError } from "../errors";

/** Must match the `period` of the bindings in wrangler.toml. */
const SHAKE_PERIOD_S = 10;
const SESSION_PERIOD_S = 60;
const MAX_PENDING_CHECKS = 64;

interface Layer {
  counter: WindowCounter;
  pending: number;
}

const layers = new Map<string, Layer>();

function layer(name: string, limit: number, periodSeconds: number): Layer {
  const id = `${name}:${limit}:${periodSeconds}`;
  let found = layers.get(id);
  if (!found) {
    found = { counter: new WindowCounter(limit, periodSeconds), pending: 0 };
    layers.set(id, found);
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

type WaitUntil = (promise: Promise<unknown>) => void;

const shared = (env: Env, binding: RateLimit): RateLimit | null => (sharedRateLimits(env) ? binding : null);

function enforce(
  waitUntil: WaitUntil,
  binding: RateLimit | null,
  state: Layer,
  keys: readonly string[],
  what: string,
): void {
  const now = Date.now();
  const within = keys.map((key) => state.counter.hit(key, now));
  if (!within.every(Boolean)) {
    throw new ApiError(429, "rate_limited", `too many ${what}; slow down`, {
      "Retry-After": String(state.counter.retryAfterSeconds(now)),
    });
  }
  if (!binding || state.pending >= MAX_PENDING_CHECKS) return;
  state.pending++;
  waitUntil(
    Promise.all(
      keys.map(async (key) => {
        if (!(await bindingAllows(binding, key))) state.counter.block(key, Date.now());
      }),
    ).finally(() => state.pending--),
  );
}

/** One user, and every session of one device together, get one phone's worth of shakes. */
export const shakeRateLimit = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  const deviceId = c.get("deviceId");
  const keys = [`user:${c.get("userId")}`, ...(deviceId ? [`device:${deviceId}`] : [])];
  enforce((p) => c.executionCtx.waitUntil(p), shared(c.env, c.env.SHAKE_LIMITER), layer("shake", shakeLimit(c.env), SHAKE_PERIOD_S), keys, "shakes");
  await next();
});

/**
 * New sessions per device id; a client that names no device (the PWA always does) is
 * counted per IP address instead, so one script cannot mint sessions without limit.
 */
export function enforceSessionLimit(c: Context<{ Bindings: Env }>, deviceId: string | undefined): void {
  const ip = c.req.header("CF-Connecting-IP");
  const key = deviceId ? `device:${deviceId}` : ip ? `ip:${ip}` : null;
  if (!key) return;
  enforce((p) => c.executionCtx.waitUntil(p), shared(c.env, c.env.SESSION_LIMITER), layer("session", sessionLimit(c.env), SESSION_PERIOD_S), [key], "new sessions");
}
