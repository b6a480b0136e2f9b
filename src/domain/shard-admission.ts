/**
 * Whether the edge sends an envelope candidate on to its shard, and the throttle level to
 * hand back, from what the edge knows about that shard: its own calls to it (rate, calls
 * still waiting, latency) and the shard's last report of its own load (rate from every
 * isolate, queueing delay). A shard at its rate ceiling or with a full queue is shed.
 */
import { admission, type Admission, type LoadSample } from "./throttle";

export interface ShardView {
  /** This isolate's calls to the shard over the last second. */
  localPerSec: number;
  /** This isolate's calls to the shard not yet answered. */
  inFlight: number;
  /** Smoothed latency of this isolate's recent calls (0 when none are recent). */
  latencyMs: number;
  /** The shard's own count of calls over its last second, if reported recently. */
  reportedPerSec: number;
  /** How long the last call waited before the shard ran it, if reported recently. */
  reportedQueueMs: number;
}

export interface ShardLimits {
  ceilingPerSec: number;
  /** Latency at which the shard counts as saturated. */
  targetLatencyMs: number;
}

/** Little's law: the calls in flight a shard at its ceiling and target latency holds. */
export function maxInFlight(limits: ShardLimits): number {
  return Math.max(4, Math.ceil((limits.ceilingPerSec * limits.targetLatencyMs) / 1000));
}

export function shardLoad(view: ShardView, limits: ShardLimits): LoadSample {
  return {
    ratePerSec: Math.max(view.localPerSec, view.reportedPerSec),
    ceilingPerSec: limits.ceilingPerSec,
    inFlight: view.inFlight,
    maxInFlight: maxInFlight(limits),
    latencyMs: Math.max(view.latencyMs, view.reportedQueueMs),
    targetLatencyMs: limits.targetLatencyMs,
  };
}

export function admitCandidate(view: ShardView, limits: ShardLimits): Admission {
  return admission(shardLoad(view, limits));
}
