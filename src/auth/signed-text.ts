/**
 * Signed texts: `base64url(JSON).base64url(HMAC-SHA-256(base64url(JSON)))` under a Web Crypto
 * HMAC key with sign and verify usages. Session tokens and the edge's signed claims and
 * holdings are all this shape, each under its own key.
 */
const encoder = new TextEncoder();

function toBase64Url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** SHA-256 of a text, base64url without padding (PKCE's S256, the sign-in's nonce). */
export async function sha256Base64url(text: string): Promise<string> {
  return toBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", encoder.encode(text))));
}

function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (ch) => ch.charCodeAt(0));
}

export async function signValue(value: unknown, key: CryptoKey): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify(value)));
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(payload));
  return `${payload}.${toBase64Url(new Uint8Array(signature))}`;
}

/** The value a text signed under `key` carries, or null when it does not check out. */
export async function openValue(text: string, key: CryptoKey, maxLength: number): Promise<unknown> {
  if (text.length > maxLength) return null;
  const [payload, signature, extra] = text.split(".");
  if (!payload || !signature || extra !== undefined) return null;
  const signatureBytes = fromBase64Url(signature);
  const payloadBytes = fromBase64Url(payload);
  if (!signatureBytes || !payloadBytes) return null;
  if (!(await crypto.subtle.verify("HMAC", key, signatureBytes, encoder.encode(payload)))) return null;
  try {
    return JSON.parse(new TextDecoder().decode(payloadBytes)) as unknown;
  } catch {
    return null;
  }
}
