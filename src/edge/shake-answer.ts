/**
 * The shake itself, whatever wire it came on: this isolate's admission, the decision from
 * the cached timeline (rest, greeting, envelope candidate, paced), the candidate's trip to
 * the user's shard, and the graded throttle hint of the busier of this isolate and the
 * shard. A null outcome from the steps below is a shed shake, answered `busy`. A retried
 * shake (RetryHeader) that is no longer a candidate asks its shard for the envelope its
 * request id won, so the retry gets the same answer, but only when the keyed draw of the
 * phase it names made it a candidate: a request id that could not have won costs no call.
 * Every step reads the shake's context (context.ts).
 */
import { configuredSecret } from "../auth/middleware";
import { edgeRpsCeiling } from "../config";
import { envelopeAssetId } from "../domain/envelope-asset";
import { drawDecision, liveShake, retriedLottery } from "../domain/shake-decision";
import { throttleHint } from "../domain/throttle";
import { edgeAdmission } from "./edge-load";
import { keyedDraw } from "./keyed-draw";
import { countShake } from "./shake-stats";
import { candidateScale, claimAtShard, earlierWinAtShard } from "./shard-claim";
import { currentTimeline } from "./timeline-cache";
import { userShard } from "../objects";
import { openHoldings, signClaim, signHoldings } from "./claim-signing";
import { leasedAnswer, sweepLeases, takeLeased } from "./edge-leases";
import type { Background, Shake, ShakeHeaders } from "./context";
import type { HoldingsHeader, Phase, RetryHeader, ShakeOutcome, ThrottleHint } from "../wire/index";
import type { LeasedClaim, WonResult } from "../wire/rpc";

export const HOLDINGS_HEADER: HoldingsHeader = "X-Gala-Holdings";
export const RETRY_HEADER: RetryHeader = "X-Gala-Retry";

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

/** The viewer's sponsors held as the holdings they sent tell (claim-signing.ts). */
const signedSponsorsHeld = (shake: Shake) =>
  openHoldings(shake.env, shake.headers.get(HOLDINGS_HEADER), shake.userId, shake.timeline.galaId);

/** The answer of an envelope the shard handed out, with the viewer's holdings signed. */
async function wonOutcome(shake: Shake, { claim, sponsorsHeld }: WonResult): Promise<ShakeOutcome> {
  const { env, userId, timeline } = shake;
  const holdings = sponsorsHeld && (await signHoldings(env, userId, timeline.galaId, sponsorsHeld));
  return { kind: "envelope", envelope: { ...claim, assetId: envelopeAssetId(timeline, claim.phaseId, claim.sponsorId) }, holdings };
}

/** A candidate sent to its shard; `sponsorsHeld`: the viewer's signed holdings, in an edge-lease phase. */
async function claimOutcome(shake: Shake, phase: Phase, sponsorsHeld?: string[]): Promise<Graded> {
  const { userId, requestId, timeline } = shake;
  const request = {
    userId,
    requestId,
    phaseId: phase.id,
    galaId: timeline.galaId,
    ...(sponsorsHeld ? { signedSponsorsHeld: sponsorsHeld } : {}),
  };
  const answer = await claimAtShard(shake.env, shake.shard, request, phase);
  if (answer.kind === "shed") return shed(answer.level);
  const { result, level } = answer;
  if (result.status === "none") return { outcome: greetingOf(phase), level };
  return { outcome: await wonOutcome(shake, result), level };
}

/**
 * A shake that is not a candidate now gets `now`, unless it is a marked retry: the phase it
 * was sent in may have ended or given way to another, so it gets the envelope its request id
 * won, if any (replayed). Only marked retries pay for the look-up.
 */
function unlessRetried(shake: Shake, now: Graded): Graded | Promise<Graded> {
  const mark = shake.headers.get(RETRY_HEADER);
  return mark === null ? now : replayed(shake, now, mark);
}

/**
 * The envelope a retried request id won, from this isolate's lease book or at the shard, else
 * the answer of `now`. The shard is asked only when the request id was a candidate (paced or
 * not) by its keyed draw in the lottery phase the retry names; the look-up is admitted like a
 * candidate's call, and a shard that is busy or cannot say is answered `busy`, so the client retries.
 */
async function replayed(shake: Shake, now: Graded, mark: string): Promise<Graded> {
  const { userId, requestId, timeline } = shake;
  const leased = leasedAnswer(userId, requestId);
  if (leased) return leasedWin(shake, leased, await signedSponsorsHeld(shake));
  const phase = retriedLottery(timeline, mark, shake.now);
  if (!phase || drawDecision(phase, lotteryDraw(shake, phase)).kind === "greeting") return now;
  const earlier = await earlierWinAtShard(shake.env, shake.shard, { userId, requestId, galaId: timeline.galaId });
  if (earlier.kind === "shed") return shed(earlier.level);
  if (!earlier.result) return now;
  return { outcome: await wonOutcome(shake, earlier.result), level: 0 };
}

/**
 * A candidate of an edge-lease phase, answered from this isolate's lease with no call: the
 * signed claim and the new holdings go back to the client. While the shard lends nothing
 * (its pools at their allowance) the candidate gets the greeting with no call; when the
 * isolate holds no envelope the viewer may take, the shard is asked instead, with the
 * viewer's holdings, and paces that claim by the same per-pool allowance. A marked retry
 * this isolate's book does not know asks the shard first for what its request id won (a
 * shard claim made before the isolate's first lease), so it never gets a second envelope.
 */
async function leasedOutcome(shake: Shake, phase: Phase): Promise<Graded> {
  const { userId, requestId } = shake;
  if (shake.headers.get(RETRY_HEADER) !== null && !leasedAnswer(userId, requestId)) {
    const earlier = await earlierWinAtShard(shake.env, shake.shard, { userId, requestId, galaId: shake.timeline.galaId });
    if (earlier.kind === "shed") return shed(earlier.level);
    if (earlier.result) return { outcome: await wonOutcome(shake, earlier.result), level: 0 };
  }
  const sponsorsHeld = await signedSponsorsHeld(shake);
  const take = takeLeased(shake, phase, sponsorsHeld);
  if (take.kind === "limit" || take.kind === "dry") return { outcome: greetingOf(phase), level: 0 };
  if (take.kind === "none") return claimOutcome(shake, phase, take.sponsorsHeld);
  return leasedWin(shake, take.claim, sponsorsHeld);
}

/** The answer of a leased win: the signed claim, and the holdings with its sponsor added. */
async function leasedWin(shake: Shake, claim: LeasedClaim, sponsorsHeld: string[]): Promise<Graded> {
  const { env, timeline } = shake;
  const [signedClaim, holdings] = await Promise.all([
    signClaim(env, claim),
    signHoldings(env, claim.userId, timeline.galaId, [...sponsorsHeld, claim.sponsorId]),
  ]);
  const { claimId, phaseId, sponsorId, amountCents } = claim;
  const envelope = { claimId, phaseId, sponsorId, assetId: envelopeAssetId(timeline, phaseId, sponsorId), amountCents, signedClaim };
  return { outcome: { kind: "envelope", envelope, holdings }, level: 0 };
}

/** The keyed draw of a lottery shake (keyed-draw.ts). */
function lotteryDraw(shake: Shake, phase: Phase): number {
  const secret = configuredSecret(shake.env.DRAW_SECRET, "DRAW_SECRET");
  return keyedDraw(secret, shake.timeline.galaId, shake.userId, shake.requestId, phase.id);
}

async function decide(shake: Shake): Promise<Graded> {
  const live = liveShake(shake.timeline, shake.now);
  if (live.kind === "rest") return unlessRetried(shake, { outcome: live, level: 0 });
  const decision = live.kind === "lottery" ? drawDecision(live.phase, lotteryDraw(shake, live.phase), candidateScale(shake.shard)) : live;
  countShake(shake.env, decision.phase.id, shake.shard, decision.kind === "candidate", shake.now, shake.background);
  if (decision.kind === "paced") return { ...shed(PACED_LEVEL), candidate: true };
  if (decision.kind === "greeting") return unlessRetried(shake, { outcome: greetingOf(decision.phase), level: 0 });
  const graded =
    decision.phase.issuance === "edge-leases" ? await leasedOutcome(shake, decision.phase) : await claimOutcome(shake, decision.phase);
  return { ...graded, candidate: true };
}

/** Answers one shake of a signed-in user that passed the rate limits. */
export async function answerShake(
  env: Env,
  background: Background,
  headers: ShakeHeaders,
  userId: string,
  requestId: string,
): Promise<ShakeAnswer> {
  const now = Date.now();
  const isolate = edgeAdmission(now, edgeRpsCeiling(env));
  sweepLeases(env, background, now);
  const graded = isolate.admit
    ? await decide({
        env,
        background,
        headers,
        userId,
        requestId,
        shard: userShard(env, userId),
        timeline: await currentTimeline(env, background),
        now,
      })
    : shed(isolate.level);
  const throttle = throttleHint(Math.max(graded.level, isolate.level));
  const outcome: ShakeOutcome = graded.outcome ?? { kind: "busy", retryAfterMs: throttle.minIntervalMs };
  return { outcome, throttle, serverTime: now, candidate: graded.candidate === true };
}
