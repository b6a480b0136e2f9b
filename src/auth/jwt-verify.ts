/**
 * Verification of third-party JWTs (viewers' OpenID Connect ID tokens, operators'
 * Cloudflare Access tokens) with jose: the signing key comes from the issuer's JWKS,
 * fetched once and cached per isolate (jose's remote key set: kept 10 minutes, refetched
 * on an unknown `kid` at most once per JWKS_COOLDOWN_MS); only asymmetric algorithms on the
 * allow-list are accepted (no `none`, no HMAC, so a public key cannot be used as a shared
 * secret); issuer and audience must match; exp and nbf are checked with a small leeway.
 */
import { createRemoteJWKSet, customFetch, errors, jwtVerify, type JWTPayload } from "jose";
import { jwksCooldownMs } from "../config";
import { ApiError } from "../errors";
import { configuredFetch } from "./dev-fetch";
import type { TrustedIssuer } from "./issuers";

export const ALLOWED_ALGORITHMS = ["RS256", "ES256"];
export const CLOCK_LEEWAY_S = 30;
const MAX_TOKEN_CHARS = 8 * 1024;

/** JWKS documents fetched by this isolate (the tests read it to see the refetch bound). */
export const jwksFetches = { count: 0 };

/** What a bad token raises; anything else (a JWKS that cannot be fetched or read) is an outage. */
const TOKEN_ERRORS = [
  errors.JWSInvalid,
  errors.JWTInvalid,
  errors.JWSSignatureVerificationFailed,
  errors.JWKSNoMatchingKey,
  errors.JWKSMultipleMatchingKeys,
  errors.JOSEAlgNotAllowed,
  errors.JOSENotSupported,
  errors.JWTExpired,
  errors.JWTClaimValidationFailed,
];

const keySets = new Map<string, ReturnType<typeof createRemoteJWKSet>>();

function keySet(env: Env, jwksUrl: string) {
  const cooldownDuration = jwksCooldownMs(env);
  const id = `${jwksUrl}|${cooldownDuration}|${env.DEV_IDP ?? ""}|${env.ENVIRONMENT ?? ""}`;
  let set = keySets.get(id);
  if (!set) {
    const fetcher = configuredFetch(env);
    set = createRemoteJWKSet(new URL(jwksUrl), {
      cooldownDuration,
      timeoutDuration: 3000,
      [customFetch]: (url, options) => {
        jwksFetches.count++;
        return fetcher(url, options);
      },
    });
    keySets.set(id, set);
  }
  return set;
}

/** The token's payload when it is valid for this issuer, else null; 503 when the JWKS cannot be fetched. */
export async function verifyJwt(env: Env, token: string, trusted: TrustedIssuer): Promise<JWTPayload | null> {
  if (token.length > MAX_TOKEN_CHARS) return null;
  try {
    const { payload } = await jwtVerify(token, keySet(env, trusted.jwksUrl), {
      issuer: trusted.issuer,
      audience: trusted.audience,
      algorithms: ALLOWED_ALGORITHMS,
      clockTolerance: CLOCK_LEEWAY_S,
      requiredClaims: ["sub", "exp"],
    });
    return payload;
  } catch (err) {
    if (TOKEN_ERRORS.some((kind) => err instanceof kind)) return null;
    console.warn("JWKS unavailable", trusted.jwksUrl, String(err));
    throw new ApiError(503, "unavailable", "the identity provider's keys cannot be fetched now", { "Retry-After": "5" });
  }
}
