/**
 * Edge rate limits through the Workers Rate Limiting bindings (`[[ratelimits]]` in
 * wrangler.toml; miniflare runs them locally). Checked before any Durable Object is
 * touched; excess gets 429 with Retry-After. If the limiter itself fails, the request is
 * let through: a limiter outage must not stop the show.
 */
import type { Context } from "hono";
import { createMiddleware } from "hono/factory";
import type { UserVars } from "./auth/middleware";
import { ApiError } from "./errors";

/** Must match the `period` of the bindings in wrangler.toml. */
const SHAKE_PERIOD_S = 10;
const SESSION_PERIOD_S = 60;

/** Seconds until the limiter's current window ends (windows are aligned to the clock). */
export function windowRemainingSeconds(now: number, periodSeconds: number): number {
  return periodSeconds - (Math.floor(now / 1000) % periodSeconds);
}

async function allowed(limiter: RateLimit, key: string): Promise<boolean> {
  try {
    return (await limiter.limit({ key })).success;
  } catch (err) {
    console.warn("rate limiter unavailable; letting the request through", String(err));
    return true;
  }
}

async function enforce(limiter: RateLimit, keys: readonly string[], periodSeconds: number, what: string): Promise<void> {
  const results = await Promise.all(keys.map((key) => allowed(limiter, key)));
  if (results.every(Boolean)) return;
  throw new ApiError(429, "rate_limited", `too many ${what}; slow down`, {
    "Retry-After": String(windowRemainingSeconds(Date.now(), periodSeconds)),
  });
}

/** One user, and every session of one device together, get one phone's worth of shakes. */
export const shakeRateLimit = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  const deviceId = c.get("deviceId");
  const keys = [`user:${c.get("userId")}`, ...(deviceId ? [`device:${deviceId}`] : [])];
  await enforce(c.env.SHAKE_LIMITER, keys, SHAKE_PERIOD_S, "shakes");
  await next();
});

/** New sessions per device id and per client IP. */
export async function enforceSessionLimit(c: Context<{ Bindings: Env }>, deviceId: string | undefined): Promise<void> {
  const ip = c.req.header("CF-Connecting-IP");
  const keys = [...(deviceId ? [`device:${deviceId}`] : []), ...(ip ? [`ip:${ip}`] : [])];
  if (keys.length > 0) await enforce(c.env.SESSION_LIMITER, keys, SESSION_PERIOD_S, "new sessions");
}
