/**
 * The development identity provider's signing key: an ES256 pair made once per isolate
 * (tokens are short-lived and only ever checked by the same local worker). Never used
 * unless DEV_IDP is "on" outside production (src/config.ts).
 */
import { exportJWK, SignJWT, type JSONWebKeySet, type JWTPayload } from "jose";

const ALG = "ES256";
/** Lifetime of a development ID token: long enough to sign in, short like a real one. */
export const DEV_TOKEN_TTL_S = 10 * 60;

interface DevKey {
  kid: string;
  privateKey: CryptoKey;
  jwks: JSONWebKeySet;
}

let key: Promise<DevKey> | null = null;

async function makeKey(): Promise<DevKey> {
  const pair = (await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"])) as CryptoKeyPair;
  const kid = `dev-${crypto.randomUUID().slice(0, 8)}`;
  const publicJwk = await exportJWK(pair.publicKey);
  return { kid, privateKey: pair.privateKey, jwks: { keys: [{ ...publicJwk, kid, alg: ALG, use: "sig" }] } };
}

function devKey(): Promise<DevKey> {
  key ??= makeKey();
  return key;
}

export async function devJwks(): Promise<JSONWebKeySet> {
  return (await devKey()).jwks;
}

/** A token signed by the development provider (with a fresh `jti`), valid from now for DEV_TOKEN_TTL_S unless the payload says otherwise. */
export async function signDevToken(payload: JWTPayload & { iss: string; aud: string; sub: string }): Promise<string> {
  const { kid, privateKey } = await devKey();
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ iat: now, exp: now + DEV_TOKEN_TTL_S, jti: crypto.randomUUID(), ...payload })
    .setProtectedHeader({ alg: ALG, kid, typ: "JWT" })
    .sign(privateKey);
}
