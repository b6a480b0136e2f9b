/**
 * What ties an ID token to the sign-in that asked for it, and makes it single-use:
 * - the nonce: the PWA keeps a random secret and sends its SHA-256 (base64url) to the
 *   provider as `nonce` (OpenID Connect Core 15.5.2); the session request carries the
 *   secret, so a token that leaked without it (a URL, a history entry, a log) is refused;
 * - the token's first use: its `jti` (else its `nonce`) is remembered in a UsedIdTokens
 *   object until the token expires, so no token is exchanged twice, from any isolate.
 */
import type { JWTPayload } from "jose";
import { usedIdTokensStub } from "../objects";
import { CLOCK_LEEWAY_S } from "./jwt-verify";
import { sha256Base64url } from "./signed-text";

/** The longest an ID token may live: a longer one would have to be remembered that long. */
export const MAX_ID_TOKEN_LIFETIME_S = 24 * 3600;

/** The `nonce` a sign-in sends to the provider for this secret (the PWA computes the same). */
export const nonceFor = (secret: string): Promise<string> => sha256Base64url(secret);

/** Why the token cannot be used for this sign-in, or null: its nonce, its lifetime, its first use. */
export async function replayProblem(env: Env, issuer: string, claims: JWTPayload, nonceSecret: string): Promise<string | null> {
  if (typeof claims.nonce !== "string" || claims.nonce !== (await nonceFor(nonceSecret))) return "wrong nonce";
  const nowS = Date.now() / 1000;
  if (typeof claims.exp !== "number" || claims.exp - nowS > MAX_ID_TOKEN_LIFETIME_S) return "lifetime too long";
  const key = await sha256Base64url(
    JSON.stringify([issuer, typeof claims.jti === "string" ? `jti:${claims.jti}` : `nonce:${claims.nonce}`]),
  );
  const first = await usedIdTokensStub(env, key).firstUse(key, (claims.exp + CLOCK_LEEWAY_S) * 1000);
  return first ? null : "replayed";
}
