/**
 * Route guards. `requireUser` accepts a session token as `Authorization: Bearer` or the
 * `gs_session` cookie and puts the user id on the context (operators: admin-identity.ts).
 */
import { createMiddleware } from "hono/factory";
import { getCookie } from "hono/cookie";
import { ApiError } from "../errors";
import { verifySessionOnce } from "./verified-sessions";

export const SESSION_COOKIE = "gs_session";

export type UserVars = { userId: string; deviceId?: string };

function bearer(header: string | undefined): string | null {
  const match = header?.match(/^Bearer\s+(\S+)$/i);
  return match ? match[1] : null;
}

export function configuredSecret(value: string | undefined, name: string): string {
  if (!value) throw new ApiError(503, "not_configured", `${name} is not configured`);
  return value;
}

export const requireUser = createMiddleware<{ Bindings: Env; Variables: UserVars }>(async (c, next) => {
  const token = bearer(c.req.header("Authorization")) ?? getCookie(c, SESSION_COOKIE);
  if (!token) throw new ApiError(401, "unauthorized", "a session token is required");
  const secret = configuredSecret(c.env.SESSION_SECRET, "SESSION_SECRET");
  const claims = await verifySessionOnce(token, secret, Date.now());
  if (!claims) throw new ApiError(401, "unauthorized", "the session token is invalid or expired");
  c.set("userId", claims.sub);
  if (claims.dev) c.set("deviceId", claims.dev);
  await next();
});
