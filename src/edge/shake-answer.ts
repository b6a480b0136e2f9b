/**
 * The shake itself, whatever wire it came on: this isolate's admission, the decision from
 * the cached timeline (rest, greeting, envelope candidate, paced), the candidate's trip to
 * the user's shard, and the graded throttle hint of the busier of this isolate and the
 * shard. A null outcome from the steps below is a shed shake, answered `busy`. A retried
 * shake (RetryHeader) that is no longer a candidate asks its shard for the envelope its
 * request id won, so the retry gets the same answer.
 */
import { configuredSecret } from "../auth/middleware";
import { edgeRpsCeiling } from "../config";
import { drawDecision, liveShake } from "../domain/shake-decision";
import { throttleHint } from "../domain/throttle";
import { edgeAdmission } from "./edge-load";
import { keyedDraw } from "./keyed-draw";
import { countShake } from "./shake-stats";
import { candidateScale, claimAtShard, earlierWinAtShard } from "./shard-claim";
import { currentTimeline } from "./timeline-cache";
import { userShard } from "../objects";
import { openHoldings, signClaim, signHoldings } from "./claim-signing";
import { leasedAnswer, sweepLeases, takeLeased } from "./edge-leases";
import { mergeHoldings } from "../domain/lease-terms";
import type { HoldingsHeader, Phase, RetryHeader, ShakeOutcome, ThrottleHint, Timeline } from "../wire/index";
import type { LeasedClaim, WonResult } from "../wire/rpc";

type WaitUntil = (p: Promise<unknown>) => void;

export const HOLDINGS_HEADER: HoldingsHeader = "X-Gala-Holdings";
export const RETRY_HEADER: RetryHeader = "X-Gala-Retry";

/** A request header of the shake (the holdings, the retry mark), read only when needed. */
export type ShakeHeader = (name: HoldingsHeader | RetryHeader) => string | null;

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

/** The sponsor's animation, else the greeting of the envelope's phase. */
const assetOf = (timeline: Timeline, phase: Phase | undefined, sponsorId: string) =>
  timeline.sponsors.find((s) => s.id === sponsorId)?.assetId ?? phase?.greetingAssetId ?? "";

/** The answer of an envelope the shard handed out, with the viewer's holdings signed. */
async function wonOutcome(
  env: Env,
  timeline: Timeline,
  phase: Phase | undefined,
  userId: string,
  result: WonResult,
  knownHeld: string[],
): Promise<ShakeOutcome> {
  const { claim } = result;
  const held = result.holdings && mergeHoldings(result.holdings, knownHeld);
  const holdings = held && (await signHoldings(env, userId, timeline.galaId, held));
  return { kind: "envelope", envelope: { ...claim, assetId: assetOf(timeline, phase, claim.sponsorId) }, holdings };
}

/** A candidate sent to its shard; `knownHeld`: the viewer's signed holdings, in an edge-lease phase. */
async function claimOutcome(
  env: Env,
  timeline: Timeline,
  phase: Phase,
  shard: number,
  userId: string,
  requestId: string,
  knownHeld?: string[],
): Promise<Graded> {
  const request = { userId, requestId, phaseId: phase.id, galaId: timeline.galaId, ...(knownHeld ? { knownHeld } : {}) };
  const answer = await claimAtShard(env, shard, request, phase);
  if (answer.kind === "shed") return shed(answer.level);
  const { result, level } = answer;
  if (result.status === "none") return { outcome: greetingOf(phase), level };
  return { outcome: await wonOutcome(env, timeline, phase, userId, result, knownHeld ?? []), level };
}

/**
 * A shake that is not a candidate now gets `now`, unless it is a marked retry: the phase it
 * was sent in may have ended or given way to another, so it gets the envelope its request id
 * won, if any (replayed). Only marked retries pay for the look-up.
 */
function unlessRetried(
  env: Env,
  timeline: Timeline,
  shard: number,
  userId: string,
  requestId: string,
  header: ShakeHeader,
  now: Graded,
): Graded | Promise<Graded> {
  return header(RETRY_HEADER) === "1" ? replayed(env, timeline, shard, userId, requestId, header, now) : now;
}

/**
 * The envelope a retried request id won, from this isolate's lease book or at the shard, else
 * the answer of `now`. The look-up is admitted like a candidate's call; a shard that is busy
 * or cannot say is answered `busy`, so the client retries.
 */
async function replayed(
  env: Env,
  timeline: Timeline,
  shard: number,
  userId: string,
  requestId: string,
  header: ShakeHeader,
  now: Graded,
): Promise<Graded> {
  const leased = leasedAnswer(userId, requestId);
  if (leased)
    return leasedWin(
      env,
      timeline,
      phaseOf(timeline, leased.phaseId),
      leased,
      await openHoldings(env, header(HOLDINGS_HEADER), userId, timeline.galaId),
    );
  const earlier = await earlierWinAtShard(env, shard, { userId, requestId, galaId: timeline.galaId });
  if (earlier.kind === "shed") return shed(earlier.level);
  if (!earlier.result) return now;
  return {
    outcome: await wonOutcome(env, timeline, phaseOf(timeline, earlier.result.claim.phaseId), userId, earlier.result, []),
    level: 0,
  };
}

const phaseOf = (timeline: Timeline, phaseId: string) => timeline.phases.find((p) => p.id === phaseId);

/**
 * A candidate of an edge-lease phase, answered from this isolate's lease with no call: the
 * signed claim and the new holdings go back to the client. When the isolate holds no
 * envelope the viewer may take, the shard is asked instead, with the viewer's holdings.
 */
async function leasedOutcome(
  env: Env,
  waitUntil: WaitUntil,
  timeline: Timeline,
  phase: Phase,
  shard: number,
  userId: string,
  requestId: string,
  header: ShakeHeader,
  now: number,
): Promise<Graded> {
  const held = await openHoldings(env, header(HOLDINGS_HEADER), userId, timeline.galaId);
  const take = takeLeased(env, waitUntil, phase, timeline.galaId, shard, userId, requestId, held, now);
  if (take.kind === "limit") return { outcome: greetingOf(phase), level: 0 };
  if (take.kind === "none") return claimOutcome(env, timeline, phase, shard, userId, requestId, held);
  return leasedWin(env, timeline, phase, take.claim, held);
}

/** The answer of a leased win: the signed claim, and the holdings with its sponsor added. */
async function leasedWin(env: Env, timeline: Timeline, phase: Phase | undefined, claim: LeasedClaim, held: string[]): Promise<Graded> {
  const [signedClaim, holdings] = await Promise.all([
    signClaim(env, claim),
    signHoldings(env, claim.userId, timeline.galaId, [...held, claim.sponsorId]),
  ]);
  const { claimId, phaseId, sponsorId, amountCents } = claim;
  const envelope = { claimId, phaseId, sponsorId, assetId: assetOf(timeline, phase, sponsorId), amountCents, signedClaim };
  return { outcome: { kind: "envelope", envelope, holdings }, level: 0 };
}

/** The keyed draw of a lottery shake (keyed-draw.ts). */
function lotteryDraw(env: Env, timeline: Timeline, phase: Phase, userId: string, requestId: string): number {
  return keyedDraw(configuredSecret(env.DRAW_SECRET, "DRAW_SECRET"), timeline.galaId, userId, requestId, phase.id);
}

async function decide(
  env: Env,
  waitUntil: WaitUntil,
  userId: string,
  requestId: string,
  header: ShakeHeader,
  now: number,
): Promise<Graded> {
  const timeline = await currentTimeline(env, waitUntil);
  const shard = userShard(env, userId);
  const live = liveShake(timeline, now);
  if (live.kind === "rest") return unlessRetried(env, timeline, shard, userId, requestId, header, { outcome: live, level: 0 });
  const decision =
    live.kind === "lottery"
      ? drawDecision(live.phase, lotteryDraw(env, timeline, live.phase, userId, requestId), candidateScale(shard))
      : live;
  countShake(env, decision.phase.id, shard, decision.kind === "candidate", now, waitUntil);
  if (decision.kind === "paced") return { ...shed(PACED_LEVEL), candidate: true };
  if (decision.kind === "greeting")
    return unlessRetried(env, timeline, shard, userId, requestId, header, { outcome: greetingOf(decision.phase), level: 0 });
  const graded =
    decision.phase.issuance === "edge-leases"
      ? await leasedOutcome(env, waitUntil, timeline, decision.phase, shard, userId, requestId, header, now)
      : await claimOutcome(env, timeline, decision.phase, shard, userId, requestId);
  return { ...graded, candidate: true };
}

/** Answers one shake of a signed-in user that passed the rate limits. */
export async function answerShake(
  env: Env,
  waitUntil: WaitUntil,
  userId: string,
  requestId: string,
  header: ShakeHeader,
): Promise<ShakeAnswer> {
  const now = Date.now();
  const isolate = edgeAdmission(now, edgeRpsCeiling(env));
  sweepLeases(env, waitUntil, now);
  const graded = isolate.admit ? await decide(env, waitUntil, userId, requestId, header, now) : shed(isolate.level);
  const throttle = throttleHint(Math.max(graded.level, isolate.level));
  const outcome: ShakeOutcome = graded.outcome ?? { kind: "busy", retryAfterMs: throttle.minIntervalMs };
  return { outcome, throttle, serverTime: now, candidate: graded.candidate === true };
}
