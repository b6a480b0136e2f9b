/**
 * Sign-in by the book, against the answers a real OpenID Provider gives (the development
 * provider gives the same shapes): the implicit flow's `#state=…&iss=…&id_token=…` and the
 * code flow's `?code=…&state=…&iss=…` with PKCE. A session needs the secret of the sign-in's
 * nonce, and an ID token signs in once: a replayed one is refused, from any isolate, until
 * it expires (the memory is a UsedIdTokens object).
 */
import { env } from "cloudflare:workers";
import { runDurableObjectAlarm } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { nonceFor } from "../../src/auth/id-token-replay";
import { sha256Base64url } from "../../src/auth/signed-text";
import type { ApiErrorBody, SessionResponse } from "../../src/wire/index";
import { call, json, ORIGIN } from "../support/api";

const REDIRECT = `${ORIGIN}/`;
const secret = () => `${crypto.randomUUID()}-${crypto.randomUUID()}`.slice(0, 64);

/** A sign-in as the PWA starts it: the page's URL parameters, and what the PWA keeps. */
async function startSignIn(responseType: "code" | "id_token") {
  const state = crypto.randomUUID();
  const nonce = secret();
  const verifier = secret();
  const params = new URLSearchParams({
    response_type: responseType,
    client_id: env.OIDC_AUDIENCE,
    scope: "openid",
    redirect_uri: REDIRECT,
    state,
    nonce: await nonceFor(nonce),
    code_challenge: await sha256Base64url(verifier),
    code_challenge_method: "S256",
  });
  return { state, nonce, verifier, params };
}

/** The viewer picks a person on the provider's page; the answer is where it redirects to. */
async function pick(params: URLSearchParams, sub = "alice"): Promise<URL> {
  const page = await call(`/api/dev-idp/sign-in?${params}`);
  expect(page.status).toBe(200);
  const html = await page.text();
  for (const [name, value] of params) expect(html).toContain(`name="${name}" value="${value}"`);
  const form = new URLSearchParams({ as: "viewer", sub, ...Object.fromEntries(params) });
  const res = await call("/api/dev-idp/sign-in", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: form.toString(),
    redirect: "manual",
  });
  expect(res.status).toBe(303);
  return new URL(res.headers.get("Location") ?? "");
}

async function refusedWith(res: Response, reasons: string[], reason: string): Promise<void> {
  expect(res.status).toBe(401);
  expect(((await res.json()) as ApiErrorBody).error).toEqual({ code: "invalid_token", message: "the ID token is not valid" });
  expect(reasons).toContain(reason);
}

/** The reasons of the token refusals logged from here on. */
function watchRefusals(): string[] {
  const reasons: string[] = [];
  vi.spyOn(console, "log").mockImplementation((line: unknown) => {
    if (typeof line === "string" && line.includes('"token_refused"')) reasons.push(String((JSON.parse(line) as { reason: string }).reason));
  });
  return reasons;
}

describe("sign-in as providers answer it", () => {
  it("implicit flow: the fragment's parameters in any order; the token needs the sign-in's nonce and signs in once", async () => {
    const reasons = watchRefusals();
    const { state, nonce, params } = await startSignIn("id_token");
    const back = await pick(params);
    expect(`${back.origin}${back.pathname}`).toBe(REDIRECT);
    expect(back.search).toBe("");
    const fragment = new URLSearchParams(back.hash.slice(1));
    expect([...fragment.keys()]).toEqual(["state", "iss", "id_token"]);
    expect(fragment.get("state")).toBe(state);
    expect(fragment.get("iss")).toBe(env.OIDC_ISSUER);
    const idToken = fragment.get("id_token") ?? "";

    expect((await json("POST", "/api/session", { idToken })).status).toBe(400);
    await refusedWith(await json("POST", "/api/session", { idToken, nonce: secret() }), reasons, "wrong nonce");
    const res = await json("POST", "/api/session", { idToken, nonce });
    expect(res.status).toBe(201);
    expect((await res.json()) as SessionResponse).toMatchObject({ signedIn: true, name: "Alice" });
    await refusedWith(await json("POST", "/api/session", { idToken, nonce }), reasons, "replayed");
    vi.restoreAllMocks();
  });

  it("code flow with PKCE: the worker exchanges the code once, with the verifier, for a token with the sign-in's nonce", async () => {
    const reasons = watchRefusals();
    const { state, nonce, verifier, params } = await startSignIn("code");
    const back = await pick(params, "bob");
    expect(back.hash).toBe("");
    expect(back.searchParams.get("state")).toBe(state);
    const code = back.searchParams.get("code") ?? "";
    const issuer = back.searchParams.get("iss") ?? "";
    expect(issuer).toBe(env.OIDC_ISSUER);
    const exchange = (extra: Record<string, string>) =>
      json("POST", "/api/session", { code, codeVerifier: verifier, redirectUri: REDIRECT, issuer, nonce, ...extra });

    await refusedWith(await exchange({ issuer: "https://mix-up.example" }), reasons, "wrong issuer");
    await refusedWith(await exchange({ nonce: secret() }), reasons, "wrong nonce");
    // That exchange used the code up at the provider, as a real one does: start again.
    const again = await startSignIn("code");
    const second = await pick(again.params, "bob");
    const post = (extra: Record<string, string>) =>
      json("POST", "/api/session", {
        code: second.searchParams.get("code"),
        codeVerifier: again.verifier,
        redirectUri: REDIRECT,
        nonce: again.nonce,
        ...extra,
      });
    await refusedWith(await post({ codeVerifier: secret() }), reasons, "code refused");
    const third = await startSignIn("code");
    const thirdBack = await pick(third.params, "bob");
    const body = { code: thirdBack.searchParams.get("code"), codeVerifier: third.verifier, redirectUri: REDIRECT, nonce: third.nonce };
    const res = await json("POST", "/api/session", body);
    expect(res.status).toBe(201);
    expect((await res.json()) as SessionResponse).toMatchObject({ signedIn: true, name: "Bob" });
    await refusedWith(await json("POST", "/api/session", body), reasons, "code refused");
    vi.restoreAllMocks();
  });

  it("the provider sends a sign-in back only to its own origin, and the code flow only with PKCE", async () => {
    const { params } = await startSignIn("code");
    const elsewhere = new URLSearchParams(params);
    elsewhere.set("redirect_uri", "https://evil.example/");
    expect((await call(`/api/dev-idp/sign-in?${elsewhere}`)).status).toBe(400);
    const noPkce = new URLSearchParams(params);
    noPkce.delete("code_challenge");
    expect((await call(`/api/dev-idp/sign-in?${noPkce}`)).status).toBe(400);
    const discovery = (await (await call("/api/dev-idp/.well-known/openid-configuration")).json()) as Record<string, unknown>;
    expect(discovery).toMatchObject({ issuer: env.OIDC_ISSUER, code_challenge_methods_supported: ["S256"] });
  });

  it("answers a malformed form with 400, not 500", async () => {
    for (const path of ["/api/dev-idp/sign-in", "/api/dev-idp/turnstile/siteverify", "/api/dev-idp/oauth/token"]) {
      const res = await call(path, {
        method: "POST",
        headers: { "Content-Type": "multipart/form-data; boundary=x" },
        body: "--y\r\nbroken",
      });
      expect(res.status, path).toBe(400);
    }
  });

  it("remembers a used token in a UsedIdTokens object until it expires, then sweeps it in its alarm", async () => {
    const stub = env.USED_ID_TOKENS.getByName("used-id-tokens-sweep-test");
    const key = crypto.randomUUID();
    expect(await stub.firstUse(key, Date.now() + 50)).toBe(true);
    expect(await stub.firstUse(key, Date.now() + 50)).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    expect(await stub.firstUse(key, Date.now() + 60_000)).toBe(true);
  });
});
