/**
 * `POST /api/session`: exchanges an OpenID Connect ID token, or the authorization code of a
 * code flow with PKCE (either with the secret of the sign-in's nonce), or, where the
 * deployment allows it, nothing but a device id and perhaps a Turnstile token, for the
 * project's short HMAC session token, which the hot path checks cheaply.
 */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { configuredSecret, SESSION_COOKIE } from "../auth/middleware";
import { rememberName } from "../auth/display-names";
import { SESSION_TTL_MS, signSession } from "../auth/session-token";
import { anonymousPerson, signedInPerson } from "../auth/viewer-identity";
import { enforceSessionLimit } from "../edge/rate-limits";
import { parseBody, sessionRequest, type SignIn } from "../schemas";
import type { SessionResponse } from "../wire/index";

export const sessionRoutes = new Hono<{ Bindings: Env }>().post("/", async (c) => {
  const { deviceId, idToken, code, codeVerifier, redirectUri, issuer, nonce, turnstileToken } = await parseBody(c, sessionRequest);
  enforceSessionLimit(c, deviceId);
  const secret = configuredSecret(c.env.SESSION_SECRET, "SESSION_SECRET");
  // The schema guarantees a nonce with either, and a verifier and redirect URI with a code.
  const signIn: SignIn | null =
    idToken && nonce
      ? { idToken, nonce }
      : code && codeVerifier && redirectUri && nonce
        ? { code, codeVerifier, redirectUri, nonce, ...(issuer ? { issuer } : {}) }
        : null;
  const person = signIn
    ? await signedInPerson(c.env, signIn)
    : await anonymousPerson(c.env, turnstileToken, c.req.header("CF-Connecting-IP"));
  const now = Date.now();
  const expiresAt = now + SESSION_TTL_MS;
  const { userId, name } = person;
  if (name) await rememberName(c.env.DB, userId, name, now);
  const token = await signSession({ sub: userId, iat: now, exp: expiresAt, ...(deviceId ? { dev: deviceId } : {}) }, secret);
  setCookie(c, SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: "Strict",
    secure: new URL(c.req.url).protocol === "https:",
    path: "/",
    maxAge: SESSION_TTL_MS / 1000,
  });
  const body: SessionResponse = { token, userId, expiresAt, signedIn: signIn !== null, ...(name ? { name } : {}) };
  return c.json(body, 201);
});
