/** `POST /api/session`: issues a signed session token for a new anonymous viewer. */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { configuredSecret, SESSION_COOKIE } from "../auth/middleware";
import { SESSION_TTL_MS, signSession } from "../auth/session-token";
import { enforceSessionLimit } from "../edge/rate-limits";
import { parseBody, sessionRequest } from "../schemas";
import type { SessionResponse } from "../wire/index";

export const sessionRoutes = new Hono<{ Bindings: Env }>().post("/", async (c) => {
  const { deviceId } = await parseBody(c, sessionRequest);
  enforceSessionLimit(c, deviceId);
  const secret = configuredSecret(c.env.SESSION_SECRET, "SESSION_SECRET");
  const now = Date.now();
  const userId = `u_${crypto.randomUUID().replace(/-/g, "")}`;
  const expiresAt = now + SESSION_TTL_MS;
  const token = await signSession({ sub: userId, iat: now, exp: expiresAt, ...(deviceId ? { dev: deviceId } : {}) }, secret);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  return c.json({ token, userId, expiresAt } satisfies SessionResponse, 201);
});
