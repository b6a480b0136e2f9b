/**
 * `POST /api/shake`: decided at the edge from the cached timeline; only envelope candidates
 * reach the user's pool shard, and a shard in trouble turns into a `busy` answer.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { decideShake } from "../domain/shake-decision";
import { shardStub, userShard } from "../objects";
import { parseBody, shakeRequest } from "../schemas";
import { countShake } from "../shake-stats";
import { currentTimeline } from "../timeline-cache";
import type { Phase, ShakeOutcome, ShakeResponse, ThrottleHint, Timeline } from "../wire";

const NORMAL: ThrottleHint = { level: 0, minIntervalMs: 1000 };
const SHARD_TROUBLE_RETRY_MS = 2000;

async function claimOutcome(env: Env, timeline: Timeline, phase: Phase, userId: string, requestId: string): Promise<ShakeOutcome> {
  let result;
  try {
    result = await shardStub(env, userShard(env, userId)).claim({ userId, requestId, phaseId: phase.id });
  } catch (err) {
    console.warn("shard claim failed", String(err));
    return { kind: "busy", retryAfterMs: SHARD_TROUBLE_RETRY_MS };
  }
  if (result.status === "none") return { kind: "greeting", phaseId: phase.id, assetId: phase.greetingAssetId };
  const { claim } = result;
  const assetId = timeline.sponsors.find((s) => s.id === claim.sponsorId)?.assetId ?? phase.greetingAssetId;
  return { kind: "envelope", envelope: { ...claim, assetId } };
}

export const shakeRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>().post("/", requireUser, async (c) => {
  const { requestId } = await parseBody(c, shakeRequest);
  const userId = c.get("userId");
  const timeline = await currentTimeline(c.env, (p) => c.executionCtx.waitUntil(p));
  const now = Date.now();
  const decision = decideShake(timeline, now, userId, requestId);
  if (decision.kind !== "rest") {
    countShake(c.env, decision.phase.id, userId, decision.kind === "candidate", now, (p) => c.executionCtx.waitUntil(p));
  }
  let outcome: ShakeOutcome;
  if (decision.kind === "rest") outcome = decision;
  else if (decision.kind === "greeting") {
    outcome = { kind: "greeting", phaseId: decision.phase.id, assetId: decision.phase.greetingAssetId };
  } else outcome = await claimOutcome(c.env, timeline, decision.phase, userId, requestId);
  const response: ShakeResponse = { ...outcome, requestId, serverTime: now, throttle: NORMAL };
  return c.json(response);
});
