/**
 * The PWA's side of sign-in (static-assets/js/sign-in.js): a sign-in sends state, a hashed
 * nonce and PKCE; the answer is read as parameters in any order, from the fragment (implicit
 * flow) or the query (code flow), counts only with this tab's state, once, and always
 * leaves the URL.
 */
import { describe, expect, it } from "vitest";
import { readSignInAnswer, sha256Base64url, signInLink } from "../../static-assets/js/sign-in.js";
import { MemoryStorage } from "../support/memory-storage";

const ORIGIN = "https://gala.example";

async function started(signInUrl = "https://login.example/authorize?response_type=id_token&client_id=gala") {
  const storage = new MemoryStorage();
  const link = new URL(await signInLink(signInUrl, ORIGIN, storage));
  const pending = JSON.parse(storage.getItem("gs.signIn") ?? "null") as { state: string; nonce: string; verifier: string };
  return { storage, link, pending };
}

describe("starting a sign-in", () => {
  it("sends state, the nonce secret's hash, a PKCE challenge and a redirect back here, and keeps the secrets", async () => {
    const { link, pending } = await started();
    expect(link.origin + link.pathname).toBe("https://login.example/authorize");
    expect(link.searchParams.get("client_id")).toBe("gala");
    expect(link.searchParams.get("redirect_uri")).toBe(`${ORIGIN}/`);
    expect(link.searchParams.get("state")).toBe(pending.state);
    expect(link.searchParams.get("nonce")).toBe(await sha256Base64url(pending.nonce));
    expect(link.searchParams.get("code_challenge")).toBe(await sha256Base64url(pending.verifier));
    expect(link.searchParams.get("code_challenge_method")).toBe("S256");
    expect(pending.nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(pending.nonce).not.toBe(pending.verifier);
  });

  it("keeps a relative sign-in page on this origin and a configured redirect_uri", async () => {
    const { link } = await started("/api/dev-idp/sign-in?response_type=code&redirect_uri=https%3A%2F%2Fgala.example%2Fback");
    expect(link.origin).toBe(ORIGIN);
    expect(link.searchParams.get("redirect_uri")).toBe("https://gala.example/back");
  });
});

describe("coming back", () => {
  it("reads the implicit flow's fragment in any order, with iss and session_state, and drops it from the URL", async () => {
    for (const order of [
      (s: string) => `#id_token=T.k.n&state=${s}`,
      (s: string) => `#state=${s}&id_token=T.k.n`,
      (s: string) => `#state=${s}&session_state=abc&iss=https%3A%2F%2Flogin.example&id_token=T.k.n`,
    ]) {
      const { storage, pending } = await started();
      const answer = readSignInAnswer(`${ORIGIN}/g/g_1?lang=en${order(pending.state)}`, storage);
      expect(answer).toEqual({ signIn: { idToken: "T.k.n", nonce: pending.nonce }, cleanHref: `${ORIGIN}/g/g_1?lang=en` });
    }
  });

  it("reads the code flow's query with the verifier and redirect of the sign-in, and keeps the page's own parameters", async () => {
    const { storage, pending } = await started();
    const answer = readSignInAnswer(`${ORIGIN}/?lang=zh&code=C1&state=${pending.state}&iss=https%3A%2F%2Flogin.example`, storage);
    expect(answer).toEqual({
      signIn: {
        code: "C1",
        codeVerifier: pending.verifier,
        redirectUri: `${ORIGIN}/`,
        nonce: pending.nonce,
        issuer: "https://login.example",
      },
      cleanHref: `${ORIGIN}/?lang=zh`,
    });
  });

  it("takes the answer out of the URL but signs nobody in with another state, no sign-in, twice, an error or the old bare token", async () => {
    const { storage, pending } = await started();
    expect(readSignInAnswer(`${ORIGIN}/#id_token=T.k.n&state=forged`, storage)).toEqual({ signIn: null, cleanHref: `${ORIGIN}/` });
    // The pending sign-in was used up by that answer, right or wrong.
    expect(readSignInAnswer(`${ORIGIN}/#id_token=T.k.n&state=${pending.state}`, storage)).toEqual({
      signIn: null,
      cleanHref: `${ORIGIN}/`,
    });
    const again = await started();
    expect(readSignInAnswer(`${ORIGIN}/#id_token=T.k.n`, again.storage)).toEqual({ signIn: null, cleanHref: `${ORIGIN}/` });
    const denied = await started();
    expect(readSignInAnswer(`${ORIGIN}/?error=access_denied&state=${denied.pending.state}`, denied.storage)).toEqual({
      signIn: null,
      cleanHref: `${ORIGIN}/`,
    });
    expect(readSignInAnswer(`${ORIGIN}/#id_token=T.k.n&state=x`, new MemoryStorage())).toEqual({ signIn: null, cleanHref: `${ORIGIN}/` });
  });

  it("leaves a page without an answer as it is", async () => {
    const { storage } = await started();
    expect(readSignInAnswer(`${ORIGIN}/g/g_1#top`, storage)).toEqual({ signIn: null, cleanHref: null });
    expect(readSignInAnswer(`${ORIGIN}/?state=only`, storage)).toEqual({ signIn: null, cleanHref: null });
    expect(storage.getItem("gs.signIn")).not.toBeNull();
  });
});
