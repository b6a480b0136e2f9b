/**
 * Metrics: data points in the Workers Analytics Engine dataset bound as `METRICS`
 * (wrangler.toml `[[analytics_engine_datasets]]`). `writeDataPoint` is synchronous and
 * buffered by the runtime, so nothing here is awaited; without the binding, or if a write
 * throws, the metric is skipped and the request goes on.
 *
 * Every point has the same columns, so one SQL shape reads them all (docs/dashboard.md):
 *   blob1 event ("shake" | "settlement" | "dead_letter"), blob2 kind (answer kind or
 *   "claim"/"group"), blob3 phase id, blob4 location (colo), blob5 shard;
 *   double1 count, double2 candidates, double3 envelopes issued, double4 throttle level,
 *   double5 cents; index1 the phase id (the sampling key).
 */
import { userShard } from "../objects";
import type { SettlementClaim, ShakeResponse } from "../wire/index";
import { logMoney } from "./log";

export type MetricEvent = "shake" | "settlement" | "dead_letter";

export interface MetricPoint {
  event: MetricEvent;
  kind: string;
  phaseId: string;
  location: string;
  shard: number | null;
  count: number;
  candidates: number;
  envelopes: number;
  throttleLevel: number;
  cents: number;
}

export function writePoint(env: Env, p: MetricPoint): void {
  try {
    env.METRICS?.writeDataPoint({
      blobs: [p.event, p.kind, p.phaseId, p.location, p.shard === null ? "" : String(p.shard)],
      doubles: [p.count, p.candidates, p.envelopes, p.throttleLevel, p.cents],
      indexes: [p.phaseId || p.event],
    });
  } catch (err) {
    console.warn("metrics write failed", String(err));
  }
}

function shakePhaseId(response: ShakeResponse): string {
  if (response.kind === "envelope") return response.envelope.phaseId;
  return response.kind === "greeting" ? response.phaseId : "";
}

/**
 * The shake route's one hook: a data point per answer and, for a won envelope, the `claim`
 * money line. `candidate`: the shake was an envelope candidate (sent to, or paced before,
 * its shard).
 */
export function recordShake(env: Env, request: Request, userId: string, response: ShakeResponse, candidate: boolean): void {
  const shard = userShard(env, userId);
  const envelope = response.kind === "envelope" ? response.envelope : null;
  writePoint(env, {
    event: "shake",
    kind: response.kind,
    phaseId: shakePhaseId(response),
    location: String(request.cf?.colo ?? ""),
    shard,
    count: 1,
    candidates: candidate ? 1 : 0,
    envelopes: envelope ? 1 : 0,
    throttleLevel: response.throttle.level,
    cents: envelope?.amountCents ?? 0,
  });
  if (envelope) {
    const { claimId, phaseId, sponsorId, amountCents } = envelope;
    logMoney("claim", { claimId, userId, shard, phaseId, sponsorId, amountCents, requestId: response.requestId });
  }
}

/** Settled or dead-lettered claims: a data point and a money line each. */
export function recordClaims(
  env: Env,
  event: "settlement" | "dead_letter",
  claims: readonly { shard: number; claim: SettlementClaim }[],
): void {
  for (const { shard, claim } of claims) {
    writePoint(env, {
      event,
      kind: "claim",
      phaseId: claim.phaseId,
      location: "",
      shard,
      count: 1,
      candidates: 0,
      envelopes: 0,
      throttleLevel: 0,
      cents: claim.amountCents,
    });
    logMoney(event, {
      claimId: claim.claimId,
      userId: claim.userId,
      shard,
      poolId: claim.poolId,
      phaseId: claim.phaseId,
      amountCents: claim.amountCents,
    });
  }
}
