/**
 * `POST /api/shake/<requestId>`: the lean shake wire, served ahead of the Hono router
 * (src/index.ts). The request id comes from the path, so no body is read; the session is
 * the bearer token or the session cookie as on every user route; the answer is built from
 * precomputed parts (shake-text.ts) and carries only `Content-Type: application/json`
 * (plus `Retry-After` when busy). The API's security headers guard documents a browser
 * might render, frame or sniff; this answer is JSON read by our own client's fetch, so it
 * goes without them (docs/overload.md). Everything else the JSON-body route does stays:
 * the session check, the per-user and per-device limits, the edge meter and admission,
 * the decision, shard pacing and shedding, the throttle hint. Errors keep the API's shape
 * and headers.
 */
import { bearer, sessionOf, SESSION_COOKIE } from "../auth/middleware";
import { parse } from "hono/utils/cookie";
import { retryAfterSeconds } from "../domain/throttle";
import { ApiError, badRequest, errorBody } from "../errors";
import { ID_PATTERN, ID_RULE } from "../schemas";
import { metered } from "./edge-load";
import { SECURITY_HEADERS } from "./guards";
import { enforceShakeLimit } from "./rate-limits";
import { recordShake } from "../ops/metrics";
import { answerShake } from "./shake-answer";
import { shakeText } from "./shake-text";

export const SHAKE_WIRE_PREFIX = "/api/shake/";

const JSON_TYPE = "application/json";
const ANSWER_INIT: ResponseInit = { headers: { "Content-Type": JSON_TYPE } };

/** The raw request id of a `POST /api/shake/<id>` URL, or null for any other request. */
export function shakeWireId(method: string, url: string): string | null {
  if (method !== "POST") return null;
  const path = url.indexOf("/", url.indexOf("//") + 2);
  if (path < 0 || !url.startsWith(SHAKE_WIRE_PREFIX, path)) return null;
  const query = url.indexOf("?", path);
  return url.slice(path + SHAKE_WIRE_PREFIX.length, query < 0 ? undefined : query);
}

function tokenOf(headers: Headers): string | undefined {
  const fromHeader = bearer(headers.get("Authorization"));
  if (fromHeader) return fromHeader;
  const cookie = headers.get("Cookie");
  return cookie ? parse(cookie, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
}

function errorResponse(err: unknown): Response {
  const known = err instanceof ApiError ? err : null;
  if (!known) console.error("unhandled error", err);
  const body = known ? errorBody(known.code, known.message) : errorBody("internal", "internal error");
  const headers = new Headers([...SECURITY_HEADERS, ["Content-Type", JSON_TYPE]]);
  for (const [name, value] of Object.entries(known?.headers ?? {})) headers.set(name, value);
  return new Response(JSON.stringify(body), { status: known?.status ?? 500, headers });
}

async function answer(request: Request, env: Env, ctx: ExecutionContext, requestId: string): Promise<Response> {
  if (!ID_PATTERN.test(requestId)) throw badRequest(`requestId: ${ID_RULE}`, "invalid_request");
  const session = await sessionOf(env, tokenOf(request.headers));
  enforceShakeLimit(env, ctx, session.sub, session.dev);
  const shake = await metered(() => answerShake(env, ctx, request.headers, session.sub, requestId));
  const { outcome, throttle, serverTime } = shake;
  recordShake(env, request, session.sub, { ...outcome, requestId, serverTime, throttle }, shake.candidate);
  if (shake.outcome.kind !== "busy") return new Response(shakeText(shake, requestId), ANSWER_INIT);
  const headers = { "Content-Type": JSON_TYPE, "Retry-After": String(retryAfterSeconds(shake.throttle.level)) };
  return new Response(shakeText(shake, requestId), { headers });
}

/** Serves one lean shake; every failure becomes the API's JSON error. */
export function serveShake(request: Request, env: Env, ctx: ExecutionContext, requestId: string): Promise<Response> {
  return answer(request, env, ctx, requestId).catch(errorResponse);
}
