/**
 * `POST /api/envelopes/:claimId/open`: reveals a won envelope to its owner and starts its
 * settlement. The answer never waits for the money side: the claim is marked opened on the
 * owner's shard, and the settlement message is sent after the response (waitUntil). If that
 * send fails the claim is still settled by the phase-close sweep.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { badRequest, notFound, unavailable } from "../errors";
import { shardStub, userShard } from "../objects";
import { claimIdParam } from "../schemas";
import { enqueueClaims } from "../money/settlement-producer";
import { currentTimeline } from "../edge/timeline-cache";
import { logMoney } from "../ops/log";
import type { OpenResponse } from "../wire/index";

export const envelopeRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>().post(
  "/:claimId/open",
  requireUser,
  async (c) => {
    const parsed = claimIdParam.safeParse(c.req.param("claimId"));
    if (!parsed.success) throw badRequest("claimId: must be the claim id an envelope answer gave", "invalid_claim_id");
    const claimId = parsed.data;
    const userId = c.get("userId");
    const shard = userShard(c.env, userId);
    const opened = await shardStub(c.env, shard)
      .openClaim(userId, claimId, Date.now())
      .catch((err) => {
        console.warn("shard open failed", String(err));
        throw unavailable("the envelope cannot be opened right now; retry shortly", 2);
      });
    if (!opened) throw notFound("you hold no envelope with this claim id");
    logMoney("open", { claimId, userId, shard, amountCents: opened.claim.amountCents, phaseId: opened.claim.phaseId, enqueued: opened.enqueued });
    if (!opened.enqueued) {
      c.executionCtx.waitUntil(
        enqueueClaims(c.env, shard, [opened.claim], Date.now()).catch((err) =>
          console.warn("settlement enqueue failed; the phase-close sweep will settle it", claimId, String(err)),
        ),
      );
    }
    const timeline = await currentTimeline(c.env, (p) => c.executionCtx.waitUntil(p));
    const { claim } = opened;
    const assetId = timeline.sponsors.find((s) => s.id === claim.sponsorId)?.assetId ?? claim.sponsorId;
    const response: OpenResponse = {
      envelope: {
        claimId: claim.claimId,
        phaseId: claim.phaseId,
        sponsorId: claim.sponsorId,
        assetId,
        amountCents: claim.amountCents,
      },
      openedAt: opened.openedAt,
    };
    return c.json(response);
  },
);
