/**
 * Who a new session belongs to. A viewer signed in with the host app's OpenID Connect
 * provider presents its ID token (or the code to exchange for it): the token must verify,
 * carry the nonce of this sign-in and be used for the first time (id-token-replay.ts); the
 * user id is derived from (issuer, subject), so every device and every later sign-in of
 * that person is the same user, with the same wallet and the same limits. Without a token, a session is anonymous only where the deployment
 * allows it (demo mode, or behind a Turnstile challenge) and gets a fresh random user id.
 */
import { anonymousSessions } from "../config";
import { ApiError } from "../errors";
import type { SignIn } from "../schemas";
import { exchangeCode } from "./code-exchange";
import { replayProblem } from "./id-token-replay";
import { viewerIssuer, type TrustedIssuer } from "./issuers";
import { logRefusal, verifyJwt } from "./jwt-verify";
import { requireTurnstile } from "./turnstile";

export interface Person {
  userId: string;
  name?: string;
}

const MAX_NAME_CHARS = 40;

/** `u_` + the first 128 bits of SHA-256(issuer NUL subject), in hex: stable and opaque. */
export async function stableUserId(issuer: string, subject: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(`${issuer}\u0000${subject}`));
  const hex = [...new Uint8Array(digest).slice(0, 16)].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `u_${hex}`;
}

function displayName(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  const name = value
    .replace(/[\u0000-\u001f\u007f]/g, "")
    .trim()
    .slice(0, MAX_NAME_CHARS);
  return name || undefined;
}

/** The one answer to every refused ID token (the reason goes to the log only). */
function invalidToken(trusted: TrustedIssuer, reason: string | null): ApiError {
  if (reason) logRefusal(trusted, reason);
  return new ApiError(401, "invalid_token", "the ID token is not valid");
}

export async function signedInPerson(env: Env, signIn: SignIn): Promise<Person> {
  const trusted = viewerIssuer(env);
  if (!trusted) throw new ApiError(400, "sign_in_unavailable", "this deployment has no identity provider configured");
  let idToken: string | null;
  if ("code" in signIn) {
    if (signIn.issuer !== undefined && signIn.issuer !== trusted.issuer) throw invalidToken(trusted, "wrong issuer");
    idToken = await exchangeCode(env, trusted, signIn);
    if (!idToken) throw invalidToken(trusted, "code refused");
  } else idToken = signIn.idToken;
  const payload = await verifyJwt(env, idToken, trusted);
  if (!payload?.sub) throw invalidToken(trusted, null);
  const problem = await replayProblem(env, trusted.issuer, payload, signIn.nonce);
  if (problem) throw invalidToken(trusted, problem);
  const name = displayName(payload.name) ?? displayName(payload.preferred_username);
  return { userId: await stableUserId(trusted.issuer, payload.sub), ...(name ? { name } : {}) };
}

export async function anonymousPerson(env: Env, turnstileToken: string | undefined, ip: string | undefined): Promise<Person> {
  const mode = anonymousSessions(env);
  if (mode === "off") throw new ApiError(401, "sign_in_required", "sign in with your account to shake");
  if (mode === "turnstile") await requireTurnstile(env, turnstileToken, ip);
  return { userId: `u_${crypto.randomUUID().replace(/-/g, "")}` };
}
