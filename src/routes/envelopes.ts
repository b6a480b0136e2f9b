/**
 * `POST /api/envelopes/:claimId/open`: reveals a won envelope to its owner and starts its
 * settlement. The answer never waits for the money side: the claim is marked opened on the
 * owner's shard, which sends it to the settlement queue with its next batch (its alarm,
 * within a fraction of a second; durable-objects/settlement-outbox.ts). An edge-lease win the
 * shard has not recorded yet is recorded from the signed claim the body carries; a claim
 * voided because its request id had already won opens the envelope that request won.
 *
 * `POST /api/envelopes/present`: records the signed claims a client still keeps.
 *
 * Both are rate-limited per user, device and address, and every shard call they make is
 * admitted like a candidate's (src/edge/shard-claim.ts): made-up claim ids cost one session
 * its budget, not the shard its capacity.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { ApiError, badRequest, notFound, unavailable } from "../errors";
import { userShard } from "../objects";
import { viewerRateLimit } from "../edge/rate-limits";
import { admittedShardCall, type ShardStub } from "../edge/shard-claim";
import { claimIdParam, openRequest, parseBody, presentRequest } from "../schemas";
import { currentTimeline } from "../edge/timeline-cache";
import { presentClaims } from "../money/leased-claims";
import { logMoney } from "../ops/log";
import type { OpenResponse, PresentResponse } from "../wire/index";
import type { VoidReason } from "../wire/rpc";

const VOIDED: Record<VoidReason | "invalid", string> = {
  limit: "this win went past the per-person limit of envelopes and was voided",
  request: "this shake had already won another envelope",
  expired: "this win came after its lease ran out and was voided",
  late: "this win was presented after its deadline and was voided",
  invalid: "this claim was not issued here",
};

/** One admitted call to the viewer's shard; a failing shard is a 503, never a 500. */
function shardCall<T>(env: Env, shard: number, work: (stub: ShardStub) => Promise<T>): Promise<T> {
  return admittedShardCall(env, shard, work).catch((err) => {
    if (err instanceof ApiError) throw err;
    console.warn("shard open failed", String(err));
    throw unavailable("the envelope cannot be opened right now; retry shortly", 2);
  });
}

async function openHeld(env: Env, userId: string, claimId: string, signedClaim: string | undefined) {
  const shard = userShard(env, userId);
  const open = (id: string) => shardCall(env, shard, (stub) => stub.openClaim(userId, id, Date.now()));
  const opened = await open(claimId);
  if (opened) return opened;
  if (signedClaim) {
    const [result] = await presentClaims(env, userId, [signedClaim]);
    if (result.claimId !== claimId) throw badRequest("signedClaim: is not the claim of this envelope", "invalid_claim");
    if (result.status === "recorded") return open(claimId);
  }
  const voided = await shardCall(env, shard, (stub) => stub.voidedClaim(userId, claimId));
  if (voided?.survivor) return open(voided.survivor);
  if (voided) throw new ApiError(409, "claim_voided", VOIDED[voided.reason]);
  return null;
}

export const envelopeRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>()
  .post("/present", requireUser, viewerRateLimit, async (c) => {
    const { signedClaims } = await parseBody(c, presentRequest);
    const response: PresentResponse = { results: await presentClaims(c.env, c.get("userId"), signedClaims) };
    return c.json(response);
  })
  .post("/:claimId/open", requireUser, viewerRateLimit, async (c) => {
    const parsed = claimIdParam.safeParse(c.req.param("claimId"));
    if (!parsed.success) throw badRequest("claimId: must be the claim id an envelope answer gave", "invalid_claim_id");
    const { signedClaim } = await parseBody(c, openRequest);
    const userId = c.get("userId");
    const opened = await openHeld(c.env, userId, parsed.data, signedClaim);
    if (!opened) throw notFound("you hold no envelope with this claim id");
    const { claim } = opened;
    logMoney("open", {
      claimId: claim.claimId,
      userId,
      shard: userShard(c.env, userId),
      amountCents: claim.amountCents,
      phaseId: claim.phaseId,
      enqueued: opened.enqueued,
    });
    const timeline = await currentTimeline(c.env, (p) => c.executionCtx.waitUntil(p));
    const assetId = timeline.sponsors.find((s) => s.id === claim.sponsorId)?.assetId ?? claim.sponsorId;
    const response: OpenResponse = {
      envelope: { claimId: claim.claimId, phaseId: claim.phaseId, sponsorId: claim.sponsorId, assetId, amountCents: claim.amountCents },
      openedAt: opened.openedAt,
    };
    return c.json(response);
  });
