/**
 * `POST /api/shake`: rate-limited per user and device, decided at the edge from the cached
 * timeline; only envelope candidates reach the user's pool shard, admitted against that
 * shard's measured load. Every answer carries the graded throttle hint of the busier of
 * this isolate and the shard; a shed shake is `busy` with a Retry-After.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { configuredSecret, requireUser } from "../auth/middleware";
import { drawDecision, liveShake } from "../domain/shake-decision";
import { keyedDraw } from "../edge/keyed-draw";
import { retryAfterSeconds, throttleHint } from "../domain/throttle";
import { edgeAdmission, edgeMeter } from "../edge/edge-load";
import { userShard } from "../objects";
import { shakeRateLimit } from "../edge/rate-limits";
import { parseBody, shakeRequest } from "../schemas";
import { countShake } from "../edge/shake-stats";
import { candidateScale, claimAtShard } from "../edge/shard-claim";
import { currentTimeline } from "../edge/timeline-cache";
import { recordShake } from "../ops/metrics";
import type { Phase, ShakeOutcome, ShakeResponse, Timeline } from "../wire/index";

/** An answer and its throttle level; a null outcome is a shed shake, answered `busy`. */
interface Graded {
  outcome: ShakeOutcome | null;
  level: number;
  /** The shake was an envelope candidate (metrics). */
  candidate?: boolean;
}

const shed = (level: number): Graded => ({ outcome: null, level });

/** Candidates the edge holds back while their shard runs near its ceiling: retry in 4 s. */
const PACED_LEVEL = 2;

async function claimOutcome(env: Env, timeline: Timeline, phase: Phase, shard: number, userId: string, requestId: string): Promise<Graded> {
  const answer = await claimAtShard(env, shard, { userId, requestId, phaseId: phase.id, galaId: timeline.galaId }, phase);
  if (answer.kind === "shed") return shed(answer.level);
  const { result, level } = answer;
  if (result.status === "none") return { outcome: { kind: "greeting", phaseId: phase.id, assetId: phase.greetingAssetId }, level };
  const { claim } = result;
  const assetId = timeline.sponsors.find((s) => s.id === claim.sponsorId)?.assetId ?? phase.greetingAssetId;
  return { outcome: { kind: "envelope", envelope: { ...claim, assetId } }, level };
}

/** The keyed draw of a lottery shake (src/edge/keyed-draw.ts). */
function lotteryDraw(env: Env, timeline: Timeline, phase: Phase, userId: string, requestId: string): Promise<number> {
  return keyedDraw(configuredSecret(env.DRAW_SECRET, "DRAW_SECRET"), timeline.galaId, userId, requestId, phase.id);
}

async function decide(env: Env, waitUntil: (p: Promise<unknown>) => void, userId: string, requestId: string, now: number): Promise<Graded> {
  const timeline = await currentTimeline(env, waitUntil);
  const shard = userShard(env, userId);
  const live = liveShake(timeline, now);
  if (live.kind === "rest") return { outcome: live, level: 0 };
  const decision = live.kind === "lottery" ? drawDecision(live.phase, await lotteryDraw(env, timeline, live.phase, userId, requestId), candidateScale(shard)) : live;
  countShake(env, decision.phase.id, shard, decision.kind === "candidate", now, waitUntil);
  if (decision.kind === "paced") return { ...shed(PACED_LEVEL), candidate: true };
  if (decision.kind === "greeting") {
    return { outcome: { kind: "greeting", phaseId: decision.phase.id, assetId: decision.phase.greetingAssetId }, level: 0 };
  }
  return { ...(await claimOutcome(env, timeline, decision.phase, shard, userId, requestId)), candidate: true };
}

export const shakeRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>().post(
  "/",
  requireUser,
  shakeRateLimit,
  edgeMeter,
  async (c) => {
    const { requestId } = await parseBody(c, shakeRequest);
    const now = Date.now();
    const isolate = edgeAdmission(now);
    const graded = isolate.admit
      ? await decide(c.env, (p) => c.executionCtx.waitUntil(p), c.get("userId"), requestId, now)
      : shed(isolate.level);
    const throttle = throttleHint(Math.max(graded.level, isolate.level));
    const outcome: ShakeOutcome = graded.outcome ?? { kind: "busy", retryAfterMs: throttle.minIntervalMs };
    if (outcome.kind === "busy") c.header("Retry-After", String(retryAfterSeconds(throttle.level)));
    const response: ShakeResponse = { ...outcome, requestId, serverTime: now, throttle };
    recordShake(c.env, c.req.raw, c.get("userId"), response, graded.candidate === true);
    return c.json(response);
  },
);
