/**
 * Verification of third-party JWTs (viewers' OpenID Connect ID tokens, operators'
 * Cloudflare Access tokens) with jose: the signing key comes from the issuer's JWKS,
 * fetched once and cached per isolate (jose's remote key set: kept 10 minutes, refetched
 * on an unknown `kid` at most once per JWKS_COOLDOWN_MS); only asymmetric algorithms on the
 * allow-list are accepted (no `none`, no HMAC, so a public key cannot be used as a shared
 * secret); issuer and audience must match; exp and nbf are checked with a small leeway.
 * A JWKS fetch that failed is not tried again for JWKS_COOLDOWN_MS either: meanwhile a token
 * whose key the isolate already holds still verifies, any other is answered 503 without a
 * fetch. Every refusal goes to the log with its reason (`expired`, `wrong audience`,
 * `unknown key`, …); the answer to the client stays generic.
 */
import { createLocalJWKSet, createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from "jose";
import { jwksCooldownMs } from "../config";
import { ApiError } from "../errors";
import { logLine } from "../ops/log";
import { configuredFetch } from "./dev-fetch";
import type { TrustedIssuer } from "./issuers";

export const ALLOWED_ALGORITHMS = ["RS256", "ES256"];
export const CLOCK_LEEWAY_S = 30;
const MAX_TOKEN_CHARS = 8 * 1024;

/** JWKS documents fetched by this isolate (the tests read it to see the refetch bound). */
export const jwksFetches = { count: 0 };

/** Raised instead of a fetch while a failed JWKS fetch cools down. */
class JwksCoolingDown extends Error {}

/** Why jose refused a token, as an integrator reads it in the log; null for an outage (JWKS unreachable). */
function refusalReason(err: unknown): string | null {
  if (err instanceof errors.JWTExpired) return "expired";
  if (err instanceof errors.JWTClaimValidationFailed) {
    const claims: Record<string, string> = { iss: "wrong issuer", aud: "wrong audience", nbf: "not yet valid", sub: "no subject" };
    return claims[err.claim] ?? `claim ${err.claim} ${err.reason === "missing" ? "missing" : "invalid"}`;
  }
  if (err instanceof errors.JWSSignatureVerificationFailed) return "bad signature";
  if (err instanceof errors.JWKSNoMatchingKey) return "unknown key";
  if (err instanceof errors.JWKSMultipleMatchingKeys) return "ambiguous key";
  if (err instanceof errors.JOSEAlgNotAllowed) return "algorithm not allowed";
  if (err instanceof errors.JOSENotSupported) return "unsupported algorithm or key";
  if (err instanceof errors.JWSInvalid || err instanceof errors.JWTInvalid) return "malformed";
  return null;
}

interface KeySet {
  keys: JWTVerifyGetKey;
  /** When a fetch of this JWKS last failed (0: never). */
  failedAt: number;
  cooldownMs: number;
}

const keySets = new Map<string, KeySet>();

function keySet(env: Env, jwksUrl: string): KeySet {
  const cooldownMs = jwksCooldownMs(env);
  const id = `${jwksUrl}|${cooldownMs}|${env.DEV_IDP ?? ""}|${env.ENVIRONMENT ?? ""}`;
  let set = keySets.get(id);
  if (!set) {
    const fetcher = configuredFetch(env);
    const remote = createRemoteJWKSet(new URL(jwksUrl), {
      cooldownDuration: cooldownMs,
      timeoutDuration: 3000,
      [customFetch]: (url, options) => {
        jwksFetches.count++;
        return fetcher(url, options);
      },
    });
    let cached: { jwks: ReturnType<typeof remote.jwks>; local: JWTVerifyGetKey } | null = null;
    const state: KeySet = { failedAt: 0, cooldownMs, keys: remote };
    /** While a failed fetch cools down: only the keys this isolate already holds, no fetch. */
    state.keys = async (header, token) => {
      if (Date.now() - state.failedAt >= cooldownMs) return remote(header, token);
      const jwks = remote.jwks();
      if (!jwks) throw new JwksCoolingDown("JWKS fetch failed recently; cooling down");
      if (cached?.jwks !== jwks) cached = { jwks, local: createLocalJWKSet(jwks) };
      try {
        return await cached.local(header, token);
      } catch (err) {
        if (err instanceof errors.JWKSNoMatchingKey) throw new JwksCoolingDown("JWKS fetch failed recently; key unknown here");
        throw err;
      }
    };
    set = state;
    keySets.set(id, set);
  }
  return set;
}

/** Writes why a token was refused to the log (the client's answer stays generic). */
export function logRefusal(trusted: TrustedIssuer, reason: string): null {
  logLine("auth", "token_refused", { issuer: trusted.issuer, audience: trusted.audience, reason });
  return null;
}

/** The token's payload when it is valid for this issuer, else null (the reason logged); 503 when the JWKS cannot be fetched. */
export async function verifyJwt(env: Env, token: string, trusted: TrustedIssuer): Promise<JWTPayload | null> {
  if (token.length > MAX_TOKEN_CHARS) return logRefusal(trusted, "too long");
  const set = keySet(env, trusted.jwksUrl);
  try {
    const { payload } = await jwtVerify(token, set.keys, {
      issuer: trusted.issuer,
      audience: trusted.audience,
      algorithms: ALLOWED_ALGORITHMS,
      clockTolerance: CLOCK_LEEWAY_S,
      requiredClaims: ["sub", "exp"],
    });
    return payload;
  } catch (err) {
    const reason = refusalReason(err);
    if (reason) return logRefusal(trusted, reason);
    if (!(err instanceof JwksCoolingDown)) {
      set.failedAt = Date.now();
      console.warn("JWKS unavailable", trusted.jwksUrl, String(err));
    }
    const retryAfterS = Math.max(1, Math.ceil((set.failedAt + set.cooldownMs - Date.now()) / 1000));
    throw new ApiError(503, "unavailable", "the identity provider's keys cannot be fetched now", { "Retry-After": String(retryAfterS) });
  }
}
