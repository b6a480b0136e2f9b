/**
 * The candidate draw, keyed: HMAC-SHA-256 over (user, request, phase) under a key of the
 * gala, derived from DRAW_SECRET. The same request always gets the same draw (retries keep
 * their answer); without the secret no one can tell which request ids win, so grinding ids
 * offline gains nothing. A new gala (or a rotated secret) gets a new key.
 *
 * Computed synchronously with @noble/hashes (audited, no dependencies): Web Crypto's HMAC is a
 * promise per shake, and the await in the shake's path cost more than the hash itself. The
 * HMAC's keyed state of each gala is kept per isolate, so a shake hashes its message only, and
 * nothing is allocated per draw: the keyed state is copied into one working HMAC
 * (`_cloneInto`, what noble's own `clone()` does into a fresh object), the message is encoded
 * into a reused buffer and the MAC digested into a reused one (the draw is synchronous, so no
 * two draws share them at once). The output is the same HMAC Web Crypto computes
 * (test/security/keyed-draw.test.ts).
 */
import { hmac, type _HMAC } from "@noble/hashes/hmac.js";
import { sha256 } from "@noble/hashes/sha2.js";

const encoder = new TextEncoder();
/** Galas whose keys an isolate keeps; a show has one, the bound only guards against churn. */
const MAX_GALA_KEYS = 16;

type KeyedHmac = _HMAC<any>;

let memo = { secret: "", keys: new Map<string, KeyedHmac>() };

/** The gala's key: HMAC(DRAW_SECRET, "gala-shake draw v1|" + galaId), its HMAC state made once per isolate. */
function galaKey(secret: string, galaId: string): KeyedHmac {
  if (memo.secret !== secret) memo = { secret, keys: new Map() };
  let key = memo.keys.get(galaId);
  if (!key) {
    if (memo.keys.size >= MAX_GALA_KEYS) memo.keys.delete(memo.keys.keys().next().value as string);
    const raw = hmac(sha256, encoder.encode(secret), encoder.encode(`gala-shake draw v1|${galaId}`));
    key = hmac.create(sha256, raw);
    memo.keys.set(galaId, key);
  }
  return key;
}

/** The working HMAC each draw starts from its gala's keyed state, and the draw's buffers. */
let work: KeyedHmac | null = null;
const mac = new Uint8Array(32);
let message = new Uint8Array(256);

/** The UTF-8 bytes of `text` in the reused message buffer (grown when a message is longer). */
function encoded(text: string): Uint8Array {
  if (text.length * 3 > message.length) message = new Uint8Array(text.length * 3);
  return message.subarray(0, encoder.encodeInto(text, message).written);
}

/** A number in [0, 1) fixed by (gala, user, request, phase) and unpredictable without the secret. */
export function keyedDraw(secret: string, galaId: string, userId: string, requestId: string, phaseId: string): number {
  const keyed: KeyedHmac = galaKey(secret, galaId)._cloneInto(work ?? undefined);
  work = keyed;
  keyed.update(encoded(JSON.stringify([userId, requestId, phaseId]))).digestInto(mac);
  return (((mac[0] << 24) | (mac[1] << 16) | (mac[2] << 8) | mac[3]) >>> 0) / 0x1_0000_0000;
}
