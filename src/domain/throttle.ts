/**
 * Graded throttling: a measured load (request rate against a ceiling, requests waiting,
 * latency against a target) becomes a utilisation, the utilisation a throttle level, and
 * the level the spacing a client must keep between shakes. Level 4 means "shed": the
 * request is refused with `busy` / Retry-After instead of being served.
 */
import type { ThrottleHint } from "../wire/index";

export interface LoadSample {
  /** Requests per second seen over the last second. */
  ratePerSec: number;
  /** Configured ceiling for `ratePerSec`. */
  ceilingPerSec: number;
  /** Requests started and not yet answered (the queue as this observer sees it). */
  inFlight: number;
  /** How many may wait at once before the queue counts as full. */
  maxInFlight: number;
  /** Recent answer latency (smoothed), ms. */
  latencyMs: number;
  /** Latency at which the observer counts as saturated, ms. */
  targetLatencyMs: number;
}

export const SHED_LEVEL = 4;

/** Minimum spacing between shakes per level; index = level. */
const MIN_INTERVAL_MS = [1000, 2000, 4000, 8000, 15000] as const;

/** Utilisation thresholds at which each level starts (level 0 starts at 0). */
const LEVEL_STARTS = [0, 0.5, 0.7, 0.85, 1] as const;

/** The busiest of the three ratios: 1 means at the ceiling. */
export function utilisation(load: LoadSample): number {
  return Math.max(load.ratePerSec / load.ceilingPerSec, load.inFlight / load.maxInFlight, load.latencyMs / load.targetLatencyMs);
}

export function levelFor(utilisationValue: number): number {
  let level = 0;
  for (let l = 1; l < LEVEL_STARTS.length; l++) if (utilisationValue >= LEVEL_STARTS[l]) level = l;
  return level;
}

export interface Admission {
  admit: boolean;
  level: number;
}

/**
 * Rate and queue decide shedding; latency only raises the level below shedding, because a
 * shed observer gets no fresh latency to lower it again, and because latency also grows
 * for reasons shedding cannot fix (a slow client network, a busy machine).
 */
export function admission(load: LoadSample): Admission {
  const saturated = load.ratePerSec >= load.ceilingPerSec || load.inFlight >= load.maxInFlight;
  if (saturated) return { admit: false, level: SHED_LEVEL };
  return { admit: true, level: Math.min(levelFor(utilisation(load)), SHED_LEVEL - 1) };
}

export function throttleHint(level: number): ThrottleHint {
  const clamped = Math.min(Math.max(Math.trunc(level), 0), SHED_LEVEL);
  return { level: clamped, minIntervalMs: MIN_INTERVAL_MS[clamped] };
}

/** Whole seconds for a `Retry-After` header that covers the level's spacing. */
export function retryAfterSeconds(level: number): number {
  return Math.ceil(throttleHint(level).minIntervalMs / 1000);
}
