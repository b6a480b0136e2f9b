/**
 * Session tokens: signed texts (signed-text.ts) under the SESSION_SECRET. The payload names
 * the user and an expiry; a token whose signature or expiry does not check out names nobody.
 */
import { openValue, signValue } from "./signed-text.ts";
import type { EpochMs } from "../wire/index";

export interface Session {
  /** User id. */
  sub: string;
  /** Expiry, epoch ms. */
  exp: EpochMs;
  /** Issued at, epoch ms. */
  iat: EpochMs;
  /** Device id the client presented, if any. */
  dev?: string;
}

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

const encoder = new TextEncoder();
const keys = new Map<string, Promise<CryptoKey>>();

function hmacKey(secret: string): Promise<CryptoKey> {
  let key = keys.get(secret);
  if (!key) {
    key = crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
    keys.set(secret, key);
  }
  return key;
}

export async function signSession(session: Session, secret: string): Promise<string> {
  return signValue(session, await hmacKey(secret));
}

/** The session of a valid, unexpired token, or null. */
export async function verifySession(token: string, secret: string, now: EpochMs): Promise<Session | null> {
  const session = await openValue(token, await hmacKey(secret), 1024);
  if (!isSession(session) || session.exp <= now) return null;
  return session;
}

function isSession(value: unknown): value is Session {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.sub === "string" && typeof v.exp === "number" && typeof v.iat === "number";
}
