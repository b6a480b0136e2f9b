/** Test helpers for identity: ID tokens from the development provider, sign-in, forgeries. */
import { env } from "cloudflare:workers";
import { signDevToken } from "../../src/auth/dev-keys";
import { nonceFor } from "../../src/auth/id-token-replay";
import type { SessionResponse } from "../../src/wire/index";
import { json } from "./api";

/** The secret of the sign-ins these helpers make; the token carries its hash as `nonce`. */
export const NONCE_SECRET = "test-nonce-secret-0123456789abcdefghijklmnopq";

/** An ID token for a viewer, signed by the development provider (fresh `jti`, the helpers' nonce) with claims overridden. */
export async function viewerToken(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  const nonce = await nonceFor(NONCE_SECRET);
  return signDevToken({ iss: env.OIDC_ISSUER, aud: env.OIDC_AUDIENCE, sub, name: `Test ${sub}`, nonce, ...claims });
}

/** An Access-style token for an operator from the development provider. */
export function operatorToken(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  return signDevToken({ iss: env.ACCESS_ISSUER, aud: env.ACCESS_AUDIENCE, sub, email: `${sub}@ops.example`, ...claims });
}

export function sessionFor(idToken: string, deviceId?: string, nonce = NONCE_SECRET): Promise<Response> {
  return json("POST", "/api/session", { idToken, nonce, ...(deviceId ? { deviceId } : {}) });
}

export async function signIn(sub: string, deviceId?: string): Promise<SessionResponse> {
  const res = await sessionFor(await viewerToken(sub), deviceId);
  if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export const base64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const nowS = () => Math.floor(Date.now() / 1000);
