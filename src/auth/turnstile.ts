/**
 * Cloudflare Turnstile, verified server-side: where a deployment allows anonymous sessions
 * with a challenge (ANONYMOUS_SESSIONS = "turnstile"), each new session presents the token
 * the widget gave the client and the worker asks TURNSTILE_VERIFY_URL (Cloudflare's
 * siteverify; the tests point it at the development stand-in) whether it is good.
 */
import { ApiError } from "../errors";
import { configuredFetch } from "./dev-fetch";

const SITEVERIFY = "https://challenges.cloudflare.com/turnstile/v0/siteverify";

export async function requireTurnstile(env: Env, token: string | undefined, ip: string | undefined): Promise<void> {
  if (!token) throw new ApiError(403, "challenge_required", "a Turnstile token is required for an anonymous session");
  if (!env.TURNSTILE_SECRET) throw new ApiError(503, "not_configured", "TURNSTILE_SECRET is not configured");
  const form = new FormData();
  form.set("secret", env.TURNSTILE_SECRET);
  form.set("response", token);
  if (ip) form.set("remoteip", ip);
  let success: unknown;
  try {
    const res = await configuredFetch(env)(env.TURNSTILE_VERIFY_URL || SITEVERIFY, { method: "POST", body: form });
    success = ((await res.json()) as { success?: unknown }).success;
  } catch (err) {
    console.warn("Turnstile siteverify unavailable", String(err));
    throw new ApiError(503, "unavailable", "the bot challenge cannot be checked now", { "Retry-After": "5" });
  }
  if (success !== true) throw new ApiError(403, "challenge_failed", "the Turnstile token was not accepted");
}
