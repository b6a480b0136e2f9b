/**
 * What the edge signs for edge-lease wins (docs/money-flow.md): the claim itself, which the
 * client keeps and presents until the server has recorded it, and the viewer's holdings in the
 * gala, which the client sends back with its shakes so the edge can check the per-person
 * limits with no call (the home shard checks them exactly when it records the claim). Both
 * are signed texts (src/auth/signed-text.ts) under a key derived from DRAW_SECRET, each with
 * its own type tag so neither passes for the other.
 */
import { configuredSecret } from "../auth/middleware";
import { openValue, signValue } from "../auth/signed-text";
import type { LeasedClaim } from "../wire/rpc";

const encoder = new TextEncoder();
const MAX_SIGNED_CHARS = 2048;

let memo: { secret: string; key: Promise<CryptoKey> } | null = null;

async function deriveKey(secret: string): Promise<CryptoKey> {
  const master = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const raw = await crypto.subtle.sign("HMAC", master, encoder.encode("gala-shake lease claims v1"));
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

function leaseKey(env: Env): Promise<CryptoKey> {
  const secret = configuredSecret(env.DRAW_SECRET, "DRAW_SECRET");
  if (memo?.secret !== secret) memo = { secret, key: deriveKey(secret) };
  return memo.key;
}

export async function signClaim(env: Env, claim: LeasedClaim): Promise<string> {
  return signValue({ t: "claim", ...claim }, await leaseKey(env));
}

const CLAIM_FIELDS = ["claimId", "leaseId", "envelopeId", "poolId", "sponsorId", "userId", "requestId", "phaseId", "galaId"] as const;

/** The claim a signed text carries, or null when it was not signed here as a claim. */
export async function openSignedClaim(env: Env, text: string): Promise<LeasedClaim | null> {
  const value = (await openValue(text, await leaseKey(env), MAX_SIGNED_CHARS)) as Record<string, unknown> | null;
  if (!value || value.t !== "claim") return null;
  if (!CLAIM_FIELDS.every((f) => typeof value[f] === "string")) return null;
  if (![value.shard, value.homeShard, value.amountCents, value.issuedAt].every(Number.isSafeInteger)) return null;
  const { t: _tag, ...claim } = value;
  return claim as unknown as LeasedClaim;
}

export async function signHoldings(env: Env, userId: string, galaId: string, sponsorIds: readonly string[]): Promise<string> {
  return signValue({ t: "holdings", u: userId, g: galaId, s: sponsorIds }, await leaseKey(env));
}

/**
 * Holdings texts this isolate has verified: a viewer sends the same text with every shake
 * until their next win, so its signature is checked once, not per candidate.
 */
const checkedHoldings = new Map<string, Record<string, unknown>>();
const MAX_CHECKED = 20_000;

/**
 * The sponsors of the envelopes a viewer holds in the gala, from the holdings text they sent;
 * none when there is no text, or it was not signed here for this viewer and gala.
 */
export async function openHoldings(env: Env, text: string | null, userId: string, galaId: string): Promise<string[]> {
  if (!text) return [];
  let value = checkedHoldings.get(text);
  if (!value) {
    const opened = (await openValue(text, await leaseKey(env), MAX_SIGNED_CHARS)) as Record<string, unknown> | null;
    if (!opened || opened.t !== "holdings") return [];
    if (checkedHoldings.size >= MAX_CHECKED) checkedHoldings.clear();
    checkedHoldings.set(text, opened);
    value = opened;
  }
  if (value.u !== userId || value.g !== galaId) return [];
  return Array.isArray(value.s) && value.s.every((s) => typeof s === "string") ? (value.s as string[]) : [];
}
