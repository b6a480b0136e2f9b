/**
 * The development identity provider's authorization requests and codes, shaped like a real
 * OpenID Provider's (OpenID Connect Core, OAuth 2.0 with PKCE, RFC 9207's `iss`): a sign-in
 * asks for `response_type=code` (with an S256 `code_challenge`) or `id_token`, names a
 * `redirect_uri` on the page's own origin, and passes `state` and `nonce`; the answer goes
 * back as `?code=…&state=…&iss=…` or `#state=…&iss=…&id_token=…`. Codes live in this
 * isolate for a minute and are good for one exchange (the provider runs in-process, in
 * development only).
 */
import { ApiError, badRequest } from "../errors";
import { sha256Base64url } from "./signed-text";

export interface AuthorizationRequest {
  responseType: "code" | "id_token";
  redirectUri: string;
  state?: string;
  nonce?: string;
  codeChallenge?: string;
}

/** The request's parameters as the sign-in page carries them along in its forms. */
export const AUTHORIZATION_PARAMS = [
  "response_type",
  "client_id",
  "scope",
  "redirect_uri",
  "state",
  "nonce",
  "code_challenge",
  "code_challenge_method",
];

const CODE_TTL_MS = 60_000;
const MAX_CODES = 1000;
const VALUE = /^[\x21-\x7e]{1,512}$/;

/** Reads and checks an authorization request; `origin` is the provider's (a redirect may only go there). */
export function authorizationRequest(param: (name: string) => string | undefined, origin: string, clientId: string): AuthorizationRequest {
  const value = (name: string) => {
    const v = param(name);
    if (v !== undefined && !VALUE.test(v)) throw badRequest(`${name}: must be 1-512 printable characters`, "invalid_request");
    return v;
  };
  const responseType = value("response_type") ?? "id_token";
  if (responseType !== "code" && responseType !== "id_token")
    throw badRequest("response_type: code or id_token", "unsupported_response_type");
  const client = value("client_id");
  if (client !== undefined && client !== clientId)
    throw badRequest(`client_id: this provider knows only ${clientId}`, "unauthorized_client");
  const redirect = new URL(value("redirect_uri") ?? "/", origin);
  if (redirect.origin !== origin || redirect.hash)
    throw badRequest("redirect_uri: must be on this origin, without a fragment", "invalid_request");
  const codeChallenge = value("code_challenge");
  if (responseType === "code" && (!codeChallenge || value("code_challenge_method") !== "S256")) {
    throw badRequest("code_challenge: the code flow needs PKCE with code_challenge_method=S256", "invalid_request");
  }
  const state = value("state");
  const nonce = value("nonce");
  return {
    responseType,
    redirectUri: redirect.href,
    ...(state ? { state } : {}),
    ...(nonce ? { nonce } : {}),
    ...(codeChallenge ? { codeChallenge } : {}),
  };
}

/** Where the sign-in goes back to, with the answer where this response type puts it. */
export function redirectWith(request: AuthorizationRequest, issuer: string, answer: { code: string } | { id_token: string }): string {
  const params = new URLSearchParams();
  if ("code" in answer) params.set("code", answer.code);
  if (request.state) params.set("state", request.state);
  params.set("iss", issuer);
  if ("id_token" in answer) params.set("id_token", answer.id_token);
  const url = new URL(request.redirectUri);
  if (request.responseType === "id_token") return `${url.href}#${params}`;
  for (const [name, v] of params) url.searchParams.set(name, v);
  return url.href;
}

interface Grant {
  sub: string;
  name?: string;
  nonce?: string;
  codeChallenge: string;
  redirectUri: string;
  expiresAt: number;
}

const codes = new Map<string, Grant>();

export function issueCode(request: AuthorizationRequest, person: { sub: string; name?: string }, now: number): string {
  if (codes.size >= MAX_CODES) codes.delete(codes.keys().next().value as string);
  const code = crypto.randomUUID().replace(/-/g, "");
  codes.set(code, {
    ...person,
    ...(request.nonce ? { nonce: request.nonce } : {}),
    codeChallenge: request.codeChallenge ?? "",
    redirectUri: request.redirectUri,
    expiresAt: now + CODE_TTL_MS,
  });
  return code;
}

const invalidGrant = (message: string) => new ApiError(400, "invalid_grant", message);

/** The grant of a code, used up by this exchange; 400 invalid_grant for an unknown, used, expired or mismatched one. */
export async function redeemCode(form: Record<string, unknown>, now: number): Promise<Grant> {
  if (form.grant_type !== "authorization_code") throw new ApiError(400, "unsupported_grant_type", "grant_type: authorization_code");
  const code = typeof form.code === "string" ? form.code : "";
  const grant = codes.get(code);
  codes.delete(code);
  if (!grant || grant.expiresAt < now) throw invalidGrant("the code is unknown, used or expired");
  if (form.redirect_uri !== grant.redirectUri) throw invalidGrant("redirect_uri: not the one of the authorization request");
  if (typeof form.code_verifier !== "string" || (await sha256Base64url(form.code_verifier)) !== grant.codeChallenge) {
    throw invalidGrant("code_verifier: does not match the code_challenge");
  }
  return grant;
}
