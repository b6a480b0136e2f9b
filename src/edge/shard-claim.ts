/**
 * The edge side of a candidate's trip to its pool shard. Per isolate and per shard it keeps
 * what it has seen (its calls per second, calls waiting, latency, the shard's own load
 * report) and from it decides whether to send the candidate at all (shard-admission), how
 * strongly to scale the candidate draw (pacing), and the level to hint. Stubs are made per
 * call (a stub belongs to the request that made it). Shard trouble never becomes a 5xx: a
 * call that takes longer than SHARD_CALL_TIMEOUT_MS is answered `busy` (not retried: it is
 * still queued at the shard), an error the platform marks `overloaded` is shed without a
 * retry, a `retryable` one is retried once on a fresh stub, anything else is shed. A client
 * retry is safe because the shard answers a known request id with its recorded answer.
 * Every other call a route makes to a shard (a retry's look-up, open, present, wallet, a
 * seed group) is admitted by the same gauge and counted in it, so no route reaches a shard
 * that candidates are being shed from.
 */
import { issuancePacing, shardCallTimeoutMs, shardRpsCeiling } from "../config";
import { ApiError } from "../errors";
import { nextCandidateScale } from "../domain/pacing";
import { LoadGauge } from "../domain/load-gauge";
import { admitCandidate, type ShardLimits } from "../domain/shard-admission";
import { shardErrorAction } from "../domain/shard-errors";
import { retryAfterSeconds, SHED_LEVEL } from "../domain/throttle";
import { shardStub } from "../objects";
import type { Phase } from "../wire/index";
import type { PacedClaimAnswer, ShardClaimRequest, ShardClaimResult, UserRequest, WonResult } from "../wire/rpc";

const TARGET_LATENCY_MS = 100;
const LATENCY_WEIGHT = 0.2;
/** Shard reports and latencies older than this are ignored. */
const STALE_MS = 1000;
/** The candidate scale follows a shard's reports at most this often. */
const SCALE_EVERY_MS = 500;

interface Gauge {
  calls: LoadGauge;
  reportedPerSec: number;
  reportedQueueMs: number;
  reportedAt: number;
  scale: number;
  scaledAt: number;
}

const gauges = new Map<number, Gauge>();

function gauge(shard: number): Gauge {
  let g = gauges.get(shard);
  if (!g) {
    g = {
      calls: new LoadGauge(LATENCY_WEIGHT, STALE_MS),
      reportedPerSec: 0,
      reportedQueueMs: 0,
      reportedAt: 0,
      scale: 1,
      scaledAt: 0,
    };
    gauges.set(shard, g);
  }
  return g;
}

export function shardLimits(env: Env): ShardLimits {
  return { ceilingPerSec: shardRpsCeiling(env), targetLatencyMs: TARGET_LATENCY_MS };
}

/** Share of candidate draws to keep for this shard (1 until the shard reports pressure). */
export function candidateScale(shard: number): number {
  return gauge(shard).scale;
}

export type ShardOutcome =
  | { kind: "answered"; result: ShardClaimResult; level: number }
  | { kind: "shed"; level: number; reason: "saturated" | "overloaded" | "timeout" | "failed" };

/** Every shard call that failed, by how the edge treated it (read by the fault tests and logs). */
export const shardFaults = { overloaded: 0, retried: 0, timedOut: 0, failed: 0 };

class ShardTimeout extends Error {}

/**
 * One call. The edge stops waiting after SHARD_CALL_TIMEOUT_MS, but the call stays counted
 * in flight (and in the latency) until the shard really answers: it is still queued there.
 */
function callOnce(env: Env, shard: number, g: Gauge, request: ShardClaimRequest, phase: Phase): Promise<PacedClaimAnswer> {
  const sentAt = Date.now();
  g.calls.start(sentAt);
  const call = shardStub(env, shard).claimPaced({
    ...request,
    window: issuancePacing(env) ? { startsAt: phase.startsAt, endsAt: phase.endsAt } : null,
    sentAt,
  });
  const settled = () => g.calls.finish(sentAt, Date.now());
  call.then(settled, settled);
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ShardTimeout("shard call timed out")), shardCallTimeoutMs(env));
  });
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}

function noteReport(env: Env, g: Gauge, answer: PacedClaimAnswer, now: number): void {
  g.reportedPerSec = answer.load.ratePerSec;
  g.reportedQueueMs = answer.load.queueMs;
  g.reportedAt = now;
  if (now - g.scaledAt >= SCALE_EVERY_MS) {
    g.scale = nextCandidateScale(g.scale, answer.load.ratePerSec, shardRpsCeiling(env));
    g.scaledAt = now;
  }
}

/** Whether this isolate may call the shard now, and the level to hint, from what it has seen of it. */
function admission(env: Env, g: Gauge, now: number) {
  const fresh = (at: number, value: number) => (now - at < STALE_MS ? value : 0);
  return admitCandidate(
    {
      localPerSec: g.calls.perSecond(now),
      inFlight: g.calls.inFlight,
      latencyMs: g.calls.latencyMs(now),
      reportedPerSec: fresh(g.reportedAt, g.reportedPerSec),
      reportedQueueMs: fresh(g.reportedAt, g.reportedQueueMs),
    },
    shardLimits(env),
  );
}

export type ShardStub = ReturnType<typeof shardStub>;
type Shed = { kind: "shed"; level: number };

/** A call that is not a candidate's claim, admitted and counted like one: its answer, or `shed` at a level. */
async function admittedCall<T>(env: Env, shard: number, work: (stub: ShardStub) => Promise<T>): Promise<{ kind: "done"; value: T } | Shed> {
  const g = gauge(shard);
  const sentAt = Date.now();
  const verdict = admission(env, g, sentAt);
  if (!verdict.admit) return { kind: "shed", level: verdict.level };
  g.calls.start(sentAt);
  try {
    return { kind: "done", value: await work(shardStub(env, shard)) };
  } finally {
    g.calls.finish(sentAt, Date.now());
  }
}

/**
 * A retried shake's look-up of the envelope its request id won, admitted and counted like a
 * candidate's call (so retries after a phase cannot pile onto a busy shard): `won` (null
 * when it won none there), or `shed` (the shard is busy or failed: the client retries).
 */
export async function earlierWinAtShard(
  env: Env,
  shard: number,
  request: UserRequest,
): Promise<{ kind: "won"; result: WonResult | null } | Shed> {
  try {
    const answer = await admittedCall(env, shard, (stub) => stub.earlierWin(request));
    return answer.kind === "shed" ? answer : { kind: "won", result: answer.value };
  } catch (err) {
    shardFaults.failed++;
    console.warn("retried shake: earlier answer unknown", shard, String(err));
    return { kind: "shed", level: SHED_LEVEL - 1 };
  }
}

/**
 * A viewer route's call to a shard (open, present, wallet, a seed group), admitted like a
 * candidate's: past the shard's ceiling the route answers `503 busy` with Retry-After
 * instead of adding to it. Errors of the call itself are the caller's to map.
 */
export async function admittedShardCall<T>(env: Env, shard: number, work: (stub: ShardStub) => Promise<T>): Promise<T> {
  const answer = await admittedCall(env, shard, work);
  if (answer.kind === "done") return answer.value;
  throw new ApiError(503, "busy", "this part of the show is busy; retry after Retry-After", {
    "Retry-After": String(retryAfterSeconds(answer.level)),
  });
}

/** Sends an admitted candidate to its shard, or sheds it; never throws for shard trouble. */
export async function claimAtShard(env: Env, shard: number, request: ShardClaimRequest, phase: Phase): Promise<ShardOutcome> {
  const g = gauge(shard);
  const admitted = admission(env, g, Date.now());
  if (!admitted.admit) return { kind: "shed", level: admitted.level, reason: "saturated" };
  for (let retriesLeft = 1; ; retriesLeft--) {
    try {
      const answer = await callOnce(env, shard, g, request, phase);
      noteReport(env, g, answer, Date.now());
      return { kind: "answered", result: answer.result, level: admitted.level };
    } catch (err) {
      if (err instanceof ShardTimeout) {
        shardFaults.timedOut++;
        return { kind: "shed", level: SHED_LEVEL - 1, reason: "timeout" };
      }
      const action = shardErrorAction(err, retriesLeft);
      if (action === "retry") {
        shardFaults.retried++;
        continue;
      }
      if (action === "shed-overloaded") {
        shardFaults.overloaded++;
        return { kind: "shed", level: SHED_LEVEL, reason: "overloaded" };
      }
      shardFaults.failed++;
      console.warn("shard claim failed", shard, String(err));
      return { kind: "shed", level: SHED_LEVEL - 1, reason: "failed" };
    }
  }
}
