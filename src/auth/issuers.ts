/**
 * The two token issuers the worker trusts, read from `[vars]`: the viewers' OpenID Connect
 * provider (`OIDC_*`) and the operators' Cloudflare Access team (`ACCESS_*`). In
 * development both point at the worker's own identity provider (src/routes/dev-idp.ts).
 */
/** Where Cloudflare Access puts its JWT on a request it let through: a header, and a cookie. */
export const ACCESS_HEADER = "Cf-Access-Jwt-Assertion";
export const ACCESS_COOKIE = "CF_Authorization";

export interface TrustedIssuer {
  issuer: string;
  audience: string;
  jwksUrl: string;
}

function issuerOf(issuer: string | undefined, audience: string | undefined, jwksUrl: string | undefined): TrustedIssuer | null {
  return issuer && audience && jwksUrl ? { issuer, audience, jwksUrl } : null;
}

export function viewerIssuer(env: Env): TrustedIssuer | null {
  return issuerOf(env.OIDC_ISSUER, env.OIDC_AUDIENCE, env.OIDC_JWKS_URL);
}

export function operatorIssuer(env: Env): TrustedIssuer | null {
  return issuerOf(env.ACCESS_ISSUER, env.ACCESS_AUDIENCE, env.ACCESS_JWKS_URL);
}
