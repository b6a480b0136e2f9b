/** Test helpers for identity: ID tokens from the development provider, sign-in, forgeries. */
import { env } from "cloudflare:workers";
import { signDevToken } from "../../src/auth/dev-keys";
import type { SessionResponse } from "../../src/wire/index";
import { json } from "./api";

/** An ID token for a viewer, signed by the development provider with default claims overridden. */
export function viewerToken(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  return signDevToken({ iss: env.OIDC_ISSUER, aud: env.OIDC_AUDIENCE, sub, name: `Test ${sub}`, ...claims });
}

/** An Access-style token for an operator from the development provider. */
export function operatorToken(sub: string, claims: Record<string, unknown> = {}): Promise<string> {
  return signDevToken({ iss: env.ACCESS_ISSUER, aud: env.ACCESS_AUDIENCE, sub, email: `${sub}@ops.example`, ...claims });
}

export function sessionFor(idToken: string, deviceId?: string): Promise<Response> {
  return json("POST", "/api/session", { idToken, ...(deviceId ? { deviceId } : {}) });
}

export async function signIn(sub: string, deviceId?: string): Promise<SessionResponse> {
  const res = await sessionFor(await viewerToken(sub), deviceId);
  if (res.status !== 201) throw new Error(`sign-in failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export const base64url = (text: string) => btoa(text).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
export const nowS = () => Math.floor(Date.now() / 1000);
