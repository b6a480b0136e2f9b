/**
 * Route guards. `requireUser` accepts a session token as `Authorization: Bearer` or the
 * `gs_session` cookie and puts the user id on the context (operators: admin-identity.ts).
 */
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { ApiError } from "../errors";
import type { Session } from "./session-token";
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

/** The session a presented token carries; 401 when there is none or it does not check out. */
export async function sessionOf(env: Env, token: string | null | undefined): Promise<Session> {
  if (!token) throw new ApiError(401, "unauthorized", "a session token is required");
  const secret = configuredSecret(env.SESSION_SECRET, "SESSION_SECRET");
  const session = await verifySessionOnce(token, secret, Date.now());
  if (!session) throw new ApiError(401, "unauthorized", "the session token is invalid or expired");
  return session;
}

export const requireUser = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  const session = await sessionOf(c.env, bearer(c.req.header("Authorization")) ?? getCookie(c, SESSION_COOKIE));
  c.set("userId", session.sub);
  if (session.dev) c.set("deviceId", session.dev);
  await next();
});
