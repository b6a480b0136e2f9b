/**
 * This isolate's own load on the shake route: shakes per second, shakes being handled, and
 * their smoothed latency. Each isolate measures itself (no shared store); the level rides
 * on every answer and, when saturated, the isolate answers `busy` without doing the work.
 */
import { createMiddleware } from "hono/factory";
import { LoadGauge } from "../domain/load-gauge";
import { admission, type Admission } from "../domain/throttle";

const ISOLATE_MAX_IN_FLIGHT = 512;
const ISOLATE_TARGET_LATENCY_MS = 250;
/** Weight of the newest latency in the moving average. */
const LATENCY_WEIGHT = 0.1;
/** A latency older than this no longer describes the isolate. */
const LATENCY_STALE_MS = 2000;

const shakes = new LoadGauge(LATENCY_WEIGHT, LATENCY_STALE_MS);

/** `ceilingPerSec`: EDGE_RPS_CEILING (config.ts). */
export function edgeAdmission(now: number, ceilingPerSec: number): Admission {
  return admission({
    ratePerSec: shakes.perSecond(now),
    ceilingPerSec,
    inFlight: shakes.inFlight,
    maxInFlight: ISOLATE_MAX_IN_FLIGHT,
    latencyMs: shakes.latencyMs(now),
    targetLatencyMs: ISOLATE_TARGET_LATENCY_MS,
  });
}

/** Runs one shake counted into the isolate's load while it is handled. */
export async function metered<T>(handle: () => Promise<T>): Promise<T> {
  const started = Date.now();
  shakes.start(started);
  try {
    return await handle();
  } finally {
    shakes.finish(started, Date.now());
  }
}

/** `metered` as middleware, for the JSON-body shake route. */
export const edgeMeter = createMiddleware((_c, next) => metered(next));
