/**
 * `POST /api/shake` with a `{ requestId }` JSON body: the first wire, kept for one release
 * while clients move to `POST /api/shake/<requestId>` (src/edge/shake-wire.ts), which
 * answers the same shakes without a body, a router or the API's security headers. Both
 * wires share the session check, the rate limits, the edge meter and the shake itself.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { retryAfterSeconds } from "../domain/throttle";
import { edgeMeter } from "../edge/edge-load";
import { shakeRateLimit } from "../edge/rate-limits";
import { answerShake } from "../edge/shake-answer";
import { parseBody, shakeRequest } from "../schemas";
import { recordShake } from "../ops/metrics";
import type { ShakeResponse } from "../wire/index";

export const shakeRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>().post(
  "/",
  requireUser,
  shakeRateLimit,
  edgeMeter,
  async (c) => {
    const { requestId } = await parseBody(c, shakeRequest);
    const shake = await answerShake(c.env, c.executionCtx, c.req.raw.headers, c.get("userId"), requestId);
    const { outcome, throttle, serverTime, candidate } = shake;
    if (outcome.kind === "busy") c.header("Retry-After", String(retryAfterSeconds(throttle.level)));
    const response: ShakeResponse = { ...outcome, requestId, serverTime, throttle };
    recordShake(c.env, c.req.raw, c.get("userId"), response, candidate);
    return c.json(response);
  },
);
