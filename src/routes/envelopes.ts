/**
 * `POST /api/envelopes/:claimId/open`: reveals a won envelope to its owner and starts its
 * settlement (src/money/open-envelope.ts).
 *
 * `POST /api/envelopes/present`: records the signed claims a client still keeps
 * (src/money/leased-claims.ts).
 *
 * Both are rate-limited per user, device and address, and every shard call they make is
 * admitted like a candidate's (src/edge/shard-claim.ts): made-up claim ids cost one session
 * its budget, not the shard its capacity.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { badRequest } from "../errors";
import { viewerRateLimit } from "../edge/rate-limits";
import { claimIdParam, openRequest, parseBody, presentRequest } from "../schemas";
import { presentClaims } from "../money/leased-claims";
import { openEnvelope } from "../money/open-envelope";
import type { PresentResponse } from "../wire/index";

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
    return c.json(await openEnvelope(c.env, c.executionCtx, c.get("userId"), parsed.data, signedClaim));
  });
