/**
 * Sign-in as OpenID Connect providers answer it. Starting one, the PWA keeps a fresh `state`,
 * a nonce secret and a PKCE verifier in the tab's storage and sends the sign-in page the
 * `state`, the secret's SHA-256 as `nonce`, the verifier's as `code_challenge` and a
 * `redirect_uri` back here. Coming back, the answer is read as parameters in any order: the
 * implicit flow's fragment (`#state=…&id_token=…&iss=…`) or the code flow's query
 * (`?code=…&state=…&iss=…`); it counts only with the `state` this tab sent, once. The
 * answer's parameters always leave the URL (and so the history entry), whatever they hold.
 * Pure apart from the storage and the crypto it is given.
 */

/** @typedef {import("../../src/wire/index").SessionRequest} SessionRequest */
/** @typedef {Pick<Storage, "getItem" | "setItem" | "removeItem">} SignInStorage */
/** @typedef {{ state: string, nonce: string, verifier: string, redirectUri: string }} PendingSignIn */

const PENDING_KEY = "gs.signIn";
/** What a provider's answer may carry: every one of them is taken out of the URL. */
const ANSWER_PARAMS = [
  "id_token",
  "code",
  "state",
  "iss",
  "session_state",
  "error",
  "error_description",
  "error_uri",
  "access_token",
  "token_type",
  "expires_in",
  "scope",
];

/** @param {Uint8Array} bytes */
const base64url = (bytes) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, "-")
    .replace(/\//g, "_")
    .replace(/=+$/, "");

/** 32 random bytes, base64url: 43 characters (a PKCE verifier's shape). */
const randomSecret = () => base64url(crypto.getRandomValues(new Uint8Array(32)));

/** @param {string} text */
export const sha256Base64url = async (text) =>
  base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));

/**
 * The sign-in page's address for a new sign-in, which is kept (one at a time) in `storage`.
 * @param {string} signInUrl the deployment's SIGN_IN_URL (absolute, or relative to `origin`)
 * @param {string} origin this page's origin: the sign-in comes back to its root
 * @param {SignInStorage} storage
 */
export async function signInLink(signInUrl, origin, storage) {
  const url = new URL(signInUrl, origin);
  /** @type {PendingSignIn} */
  const pending = {
    state: randomSecret(),
    nonce: randomSecret(),
    verifier: randomSecret(),
    redirectUri: url.searchParams.get("redirect_uri") ?? `${origin}/`,
  };
  storage.setItem(PENDING_KEY, JSON.stringify(pending));
  url.searchParams.set("redirect_uri", pending.redirectUri);
  url.searchParams.set("state", pending.state);
  url.searchParams.set("nonce", await sha256Base64url(pending.nonce));
  url.searchParams.set("code_challenge", await sha256Base64url(pending.verifier));
  url.searchParams.set("code_challenge_method", "S256");
  return url.href;
}

/** @param {SignInStorage} storage @returns {PendingSignIn | null} */
function takePending(storage) {
  const text = storage.getItem(PENDING_KEY);
  storage.removeItem(PENDING_KEY);
  try {
    const pending = JSON.parse(text ?? "null");
    return pending && typeof pending.state === "string" ? pending : null;
  } catch {
    return null;
  }
}

/**
 * What a page address says about a sign-in coming back: the session request fields that
 * sign the viewer in (null when there is no answer, or it is not for this tab's sign-in),
 * and the address without the answer (null when there was nothing to take out).
 * @param {string} href the page's address
 * @param {SignInStorage} storage
 * @returns {{ signIn: Pick<SessionRequest, "idToken" | "code" | "codeVerifier" | "redirectUri" | "issuer" | "nonce"> | null, cleanHref: string | null }}
 */
export function readSignInAnswer(href, storage) {
  const url = new URL(href);
  const fragment = new URLSearchParams(url.hash.slice(1));
  const fromFragment = fragment.has("id_token") || (fragment.has("state") && (fragment.has("error") || fragment.has("iss")));
  const answer = fromFragment
    ? fragment
    : url.searchParams.has("code") || (url.searchParams.has("state") && url.searchParams.has("error"))
      ? url.searchParams
      : null;
  if (!answer) return { signIn: null, cleanHref: null };
  const [state, idToken, code, issuer] = ["state", "id_token", "code", "iss"].map((name) => answer.get(name));
  if (fromFragment) url.hash = "";
  else for (const name of ANSWER_PARAMS) url.searchParams.delete(name);
  const cleanHref = url.href.replace(/#$/, "");
  const pending = takePending(storage);
  if (!pending || state !== pending.state) return { signIn: null, cleanHref };
  if (fromFragment && idToken) return { signIn: { idToken, nonce: pending.nonce }, cleanHref };
  if (!fromFragment && code) {
    const signIn = {
      code,
      codeVerifier: pending.verifier,
      redirectUri: pending.redirectUri,
      nonce: pending.nonce,
      ...(issuer ? { issuer } : {}),
    };
    return { signIn, cleanHref };
  }
  return { signIn: null, cleanHref };
}
