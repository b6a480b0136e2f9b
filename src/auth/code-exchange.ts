/**
 * The code flow's second half (OAuth 2.0 with PKCE, RFC 7636): the authorization code the
 * sign-in sent back is exchanged at the provider's token endpoint (OIDC_TOKEN_URL) for the
 * ID token, as a public client (`client_id` = OIDC_AUDIENCE, no secret: the PKCE verifier
 * proves the exchange comes from the sign-in that asked). The provider refuses a code used
 * twice, expired, or with another verifier or redirect URI.
 */
import { ApiError } from "../errors";
import { configuredFetch } from "./dev-fetch";
import type { TrustedIssuer } from "./issuers";

export interface CodeGrant {
  code: string;
  codeVerifier: string;
  redirectUri: string;
}

/** The ID token for the code, or null when the provider refused the code; 503 when it cannot be asked. */
export async function exchangeCode(env: Env, trusted: TrustedIssuer, grant: CodeGrant): Promise<string | null> {
  if (!env.OIDC_TOKEN_URL) throw new ApiError(400, "sign_in_unavailable", "this deployment takes no authorization codes (OIDC_TOKEN_URL)");
  const form = new URLSearchParams({
    grant_type: "authorization_code",
    code: grant.code,
    code_verifier: grant.codeVerifier,
    redirect_uri: grant.redirectUri,
    client_id: trusted.audience,
  });
  let res: Response;
  try {
    res = await configuredFetch(env)(env.OIDC_TOKEN_URL, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
      body: form.toString(),
      signal: AbortSignal.timeout(5000),
    });
  } catch (err) {
    console.warn("token endpoint unavailable", env.OIDC_TOKEN_URL, String(err));
    throw new ApiError(503, "unavailable", "the identity provider cannot be asked now", { "Retry-After": "5" });
  }
  if (res.status >= 500) {
    await res.body?.cancel();
    throw new ApiError(503, "unavailable", "the identity provider cannot be asked now", { "Retry-After": "5" });
  }
  const answer = (await res.json().catch(() => null)) as { id_token?: unknown } | null;
  return res.ok && typeof answer?.id_token === "string" ? answer.id_token : null;
}
