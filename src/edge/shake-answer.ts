/**
 * The shake itself, whatever wire it came on: this isolate's admission, the decision from
 * the cached timeline (rest, greeting, envelope candidate, paced), the candidate's trip to
 * the user's shard, and the graded throttle hint of the busier of this isolate and the
 * shard. A null outcome from the steps below is a shed shake, answered `busy`.
 */
import { configuredSecret } from "../auth/middleware";
import { drawDecision, liveShake } from "../domain/shake-decision";
import { throttleHint } from "../domain/throttle";
import { edgeAdmission } from "./edge-load";
import { keyedDraw } from "./keyed-draw";
import { countShake } from "./shake-stats";
import { candidateScale, claimAtShard } from "./shard-claim";
import { currentTimeline } from "./timeline-cache";
import { userShard } from "../objects";
import type { Phase, ShakeOutcome, ThrottleHint, Timeline } from "../wire/index";

type WaitUntil = (p: Promise<unknown>) => void;

/** An answer and its throttle level; a null outcome is a shed shake, answered `busy`. */
interface Graded {
  outcome: ShakeOutcome | null;
  level: number;
  /** The shake was an envelope candidate (metrics). */
  candidate?: boolean;
}

export interface ShakeAnswer {
  outcome: ShakeOutcome;
  throttle: ThrottleHint;
  serverTime: number;
  /** The shake was an envelope candidate: sent to, or paced before, its shard. */
  candidate: boolean;
}

const shed = (level: number): Graded => ({ outcome: null, level });

/** Candidates the edge holds back while their shard runs near its ceiling: retry in 4 s. */
const PACED_LEVEL = 2;

/** The greeting of a phase, made once per phase object of the cached timeline. */
const greetings = new WeakMap<Phase, ShakeOutcome>();

function greetingOf(phase: Phase): ShakeOutcome {
  let greeting = greetings.get(phase);
  if (!greeting) {
    greeting = { kind: "greeting", phaseId: phase.id, assetId: phase.greetingAssetId };
    greetings.set(phase, greeting);
  }
  return greeting;
}

async function claimOutcome(env: Env, timeline: Timeline, phase: Phase, shard: number, userId: string, requestId: string): Promise<Graded> {
  const answer = await claimAtShard(env, shard, { userId, requestId, phaseId: phase.id, galaId: timeline.galaId }, phase);
  if (answer.kind === "shed") return shed(answer.level);
  const { result, level } = answer;
  if (result.status === "none") return { outcome: greetingOf(phase), level };
  const { claim } = result;
  const assetId = timeline.sponsors.find((s) => s.id === claim.sponsorId)?.assetId ?? phase.greetingAssetId;
  return { outcome: { kind: "envelope", envelope: { ...claim, assetId } }, level };
}

/** The keyed draw of a lottery shake (keyed-draw.ts). */
function lotteryDraw(env: Env, timeline: Timeline, phase: Phase, userId: string, requestId: string): Promise<number> {
  return keyedDraw(configuredSecret(env.DRAW_SECRET, "DRAW_SECRET"), timeline.galaId, userId, requestId, phase.id);
}

async function decide(env: Env, waitUntil: WaitUntil, userId: string, requestId: string, now: number): Promise<Graded> {
  const timeline = await currentTimeline(env, waitUntil);
  const shard = userShard(env, userId);
  const live = liveShake(timeline, now);
  if (live.kind === "rest") return { outcome: live, level: 0 };
  const decision = live.kind === "lottery" ? drawDecision(live.phase, await lotteryDraw(env, timeline, live.phase, userId, requestId), candidateScale(shard)) : live;
  countShake(env, decision.phase.id, shard, decision.kind === "candidate", now, waitUntil);
  if (decision.kind === "paced") return { ...shed(PACED_LEVEL), candidate: true };
  if (decision.kind === "greeting") return { outcome: greetingOf(decision.phase), level: 0 };
  return { ...(await claimOutcome(env, timeline, decision.phase, shard, userId, requestId)), candidate: true };
}

/** Answers one shake of a signed-in user that passed the rate limits. */
export async function answerShake(env: Env, waitUntil: WaitUntil, userId: string, requestId: string): Promise<ShakeAnswer> {
  const now = Date.now();
  const isolate = edgeAdmission(now);
  const graded = isolate.admit ? await decide(env, waitUntil, userId, requestId, now) : shed(isolate.level);
  const throttle = throttleHint(Math.max(graded.level, isolate.level));
  const outcome: ShakeOutcome = graded.outcome ?? { kind: "busy", retryAfterMs: throttle.minIntervalMs };
  return { outcome, throttle, serverTime: now, candidate: graded.candidate === true };
}
