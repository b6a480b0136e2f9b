/**
 * The candidate draw, keyed: HMAC-SHA-256 over (user, request, phase) under a key of the
 * gala, derived from DRAW_SECRET. The same request always gets the same draw (retries keep
 * their answer); without the secret no one can tell which request ids win, so grinding ids
 * offline gains nothing. A new gala (or a rotated secret) gets a new key. The imported
 * CryptoKey of each gala is kept per isolate, so a shake pays for one HMAC, not a derivation.
 */

const encoder = new TextEncoder();
/** Galas whose keys an isolate keeps; a show has one, the bound only guards against churn. */
const MAX_GALA_KEYS = 16;

let memo = { secret: "", keys: new Map<string, Promise<CryptoKey>>() };

function hmacKey(raw: BufferSource, usage: "sign"): Promise<CryptoKey> {
  return crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, [usage]);
}

/** The gala's key: HMAC(DRAW_SECRET, "gala-shake draw v1|" + galaId), imported once per isolate. */
async function deriveGalaKey(secret: string, galaId: string): Promise<CryptoKey> {
  const master = await hmacKey(encoder.encode(secret), "sign");
  const raw = await crypto.subtle.sign("HMAC", master, encoder.encode(`gala-shake draw v1|${galaId}`));
  return hmacKey(raw, "sign");
}

function galaKey(secret: string, galaId: string): Promise<CryptoKey> {
  if (memo.secret !== secret) memo = { secret, keys: new Map() };
  let key = memo.keys.get(galaId);
  if (!key) {
    if (memo.keys.size >= MAX_GALA_KEYS) memo.keys.delete(memo.keys.keys().next().value as string);
    key = deriveGalaKey(secret, galaId);
    key.catch(() => memo.keys.delete(galaId));
    memo.keys.set(galaId, key);
  }
  return key;
}

/** A number in [0, 1) fixed by (gala, user, request, phase) and unpredictable without the secret. */
export async function keyedDraw(secret: string, galaId: string, userId: string, requestId: string, phaseId: string): Promise<number> {
  const key = await galaKey(secret, galaId);
  const mac = await crypto.subtle.sign("HMAC", key, encoder.encode(JSON.stringify([userId, requestId, phaseId])));
  return new DataView(mac).getUint32(0) / 0x1_0000_0000;
}
