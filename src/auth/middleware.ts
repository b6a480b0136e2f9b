/**
 * Route guards. `requireUser` accepts a session token as `Authorization: Bearer` or the
 * `gs_session` cookie and puts the user id on the context (operators: admin-identity.ts).
 */
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { ApiError } from "../errors";
import type { SessionClaims } from "./session-token";
import { verifySessionOnce } from "./verified-sessions";

export const SESSION_COOKIE = "gs_session";

export type UserVars = { userId: string; deviceId?: string };

export function bearer(header: string | null | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

export function configuredSecret(value: string | undefined, name: string): string {
  if (!value) throw new ApiError(503, "not_configured", `${name} is not configured`);
  return value;
}

/** The claims of a presented session token; 401 when there is none or it does not check out. */
export async function sessionOf(env: Env, token: string | null | undefined): Promise<SessionClaims> {
  if (!token) throw new ApiError(401, "unauthorized", "a session token is required");
  const secret = configuredSecret(env.SESSION_SECRET, "SESSION_SECRET");
  const claims = await verifySessionOnce(token, secret, Date.now());
  if (!claims) throw new ApiError(401, "unauthorized", "the session token is invalid or expired");
  return claims;
}

export const requireUser = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  const claims = await sessionOf(c.env, bearer(c.req.header("Authorization")) ?? getCookie(c, SESSION_COOKIE));
  c.set("userId", claims.sub);
  if (claims.dev) c.set("deviceId", claims.dev);
  await next();
});
