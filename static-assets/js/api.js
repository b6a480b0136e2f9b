/**
 * HTTP client for the viewer: JSON in and out, a timeout on every call, failures as
 * `ApiFailure` carrying the status and any retry hint, and the session kept in local
 * storage (renewed once when the server rejects it). A sign-in comes back to the page with
 * the provider's answer (sign-in.js): its ID token, or its code, is exchanged for a session
 * of the signed-in person, with the secret of the sign-in's nonce.
 * Where anonymous sessions need a bot challenge, each new one carries a fresh Turnstile token.
 */
import { s } from "./i18n.js";
import { retryAfterHeaderMs } from "./pacing.js";
import { readSignInAnswer, signInLink } from "./sign-in.js";

/** @typedef {import("../../src/wire/index").SessionRequest} SessionRequest */
/** @typedef {import("../../src/wire/index").SessionResponse} SessionResponse */

export const TIMEOUT_MS = 8_000;
const SESSION_KEY = "gs.session";
const DEVICE_KEY = "gs.device";

export class ApiFailure extends Error {
  /**
   * @param {number} status 0 for network errors and timeouts
   * @param {string} code
   * @param {string} message
   * @param {number} retryAfterMs
   */
  constructor(status, code, message, retryAfterMs = 0) {
    super(message);
    this.status = status;
    this.code = code;
    this.retryAfterMs = retryAfterMs;
  }
}

/**
 * @param {string} path
 * @param {{ method?: string, body?: unknown, token?: string, timeoutMs?: number, headers?: Record<string, string> }} [options]
 * @returns {Promise<any>}
 */
export async function apiJson(path, { method = "GET", body, token, timeoutMs = TIMEOUT_MS, headers: extra = {} } = {}) {
  /** @type {Record<string, string>} */
  const headers = { ...extra };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (err) {
    const timedOut = err instanceof DOMException && err.name === "TimeoutError";
    throw new ApiFailure(0, timedOut ? "timeout" : "network", timedOut ? "the server did not answer in time" : "no network");
  }
  const retryAfterMs = retryAfterHeaderMs(response.headers.get("Retry-After"), Date.now());
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiFailure(response.status, data?.error?.code ?? "http_error", data?.error?.message ?? response.statusText, retryAfterMs);
  }
  return data;
}

function deviceId() {
  let id = localStorage.getItem(DEVICE_KEY);
  if (!id) {
    id = crypto.randomUUID();
    localStorage.setItem(DEVICE_KEY, id);
  }
  return id;
}

/** @returns {SessionResponse | null} */
function storedSession() {
  try {
    const session = JSON.parse(localStorage.getItem(SESSION_KEY) ?? "null");
    return session && session.expiresAt > Date.now() + 60_000 ? session : null;
  } catch {
    return null;
  }
}

/**
 * The sign-in page's address for the deployment's SIGN_IN_URL, with this tab's new sign-in.
 * @param {string} signInUrl
 */
export const signInHref = (signInUrl) => signInLink(signInUrl, location.origin, sessionStorage);

/** The answer of a sign-in that came back, taken out of the URL (and its history entry) whatever it holds. */
function takeSignIn() {
  const { signIn, cleanHref } = readSignInAnswer(location.href, sessionStorage);
  if (cleanHref) history.replaceState(history.state, "", cleanHref);
  return signIn;
}

/** The sign-in still to exchange; undefined until the URL was read (on first use). */
/** @type {ReturnType<typeof takeSignIn> | undefined} */
let pendingSignIn;
const signInToExchange = () => (pendingSignIn === undefined ? (pendingSignIn = takeSignIn()) : pendingSignIn);

/**
 * Where anonymous sessions need a bot challenge: a fresh Turnstile token per new session
 * (settled once the page knows the deployment's identity settings; null: no challenge).
 * @type {Promise<(() => Promise<string>) | null>}
 */
let challenge = Promise.resolve(null);

/** @param {Promise<(() => Promise<string>) | null>} provider */
export function useSessionChallenge(provider) {
  challenge = provider;
}

/** The session request in flight: concurrent callers share it (and the ID token). */
/** @type {Promise<SessionResponse> | null} */
let minting = null;

async function mintSession() {
  const signIn = signInToExchange();
  pendingSignIn = null;
  const turnstile = signIn ? null : await challenge;
  /** @type {SessionRequest} */
  const body = { deviceId: deviceId(), ...signIn, ...(turnstile ? { turnstileToken: await turnstile() } : {}) };
  /** @type {SessionResponse} */
  const session = await apiJson("/api/session", { method: "POST", body });
  localStorage.setItem(SESSION_KEY, JSON.stringify(session));
  return session;
}

/** @returns {Promise<SessionResponse>} */
export async function ensureSession() {
  // A session being made (perhaps for a sign-in's answer) wins over the stored one.
  if (minting) return minting;
  const existing = signInToExchange() ? null : storedSession();
  if (existing) return existing;
  minting ??= mintSession().finally(() => (minting = null));
  return minting;
}

/**
 * A call as the signed-in viewer; a rejected session is replaced once.
 * @param {string} path
 * @param {{ method?: string, body?: unknown, timeoutMs?: number, headers?: Record<string, string> }} [options]
 */
export async function userCall(path, options = {}) {
  const session = await ensureSession();
  try {
    return await apiJson(path, { ...options, token: session.token });
  } catch (err) {
    if (!(err instanceof ApiFailure) || err.status !== 401) throw err;
    localStorage.removeItem(SESSION_KEY);
    return apiJson(path, { ...options, token: (await ensureSession()).token });
  }
}

/**
 * What to tell the viewer about a failed call, in the viewer's language: the network's state,
 * a busy server, or the code of what the server refused.
 * @param {unknown} err
 */
export function failureReason(err) {
  if (!(err instanceof ApiFailure) || err.code === "network") return s().reasonNetwork;
  if (err.code === "timeout") return s().reasonTimeout;
  if (err.status === 429 || err.status >= 500) return s().reasonBusy;
  return s().reasonRefused(err.code);
}

// A sign-in's answer leaves the address bar (and the history entry) as soon as the page runs.
if (typeof location !== "undefined" && typeof history !== "undefined") signInToExchange();
