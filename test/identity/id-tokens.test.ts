/**
 * `POST /api/session` with an ID token: only tokens signed by a key of the configured
 * issuer's JWKS, with an allowed asymmetric algorithm, the right issuer and audience and a
 * current validity window, sign a viewer in; the user id is stable per (issuer, subject);
 * an unknown key id refetches the JWKS at most once per cooldown, and so does a failed
 * fetch; every refusal says why in the worker's log while the answer stays generic.
 */
import { env } from "cloudflare:workers";
import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { devJwks } from "../../src/auth/dev-keys";
import { jwksFetches } from "../../src/auth/jwt-verify";
import type { ApiErrorBody, SessionResponse } from "../../src/wire/index";
import { json } from "../support/api";
import { callWith } from "../support/deployed";
import { base64url, NONCE_SECRET, nowS, sessionFor, signIn, viewerToken } from "../support/identity";

async function refused(idToken: string): Promise<void> {
  const res = await sessionFor(idToken);
  expect(res.status).toBe(401);
  expect(((await res.json()) as ApiErrorBody).error.code).toBe("invalid_token");
}

async function accepted(idToken: string): Promise<SessionResponse> {
  const res = await sessionFor(idToken);
  expect(res.status).toBe(201);
  return res.json();
}

const devKid = async () => (await devJwks()).keys[0].kid as string;
const claims = (extra: Record<string, unknown> = {}) => ({
  iss: env.OIDC_ISSUER,
  aud: env.OIDC_AUDIENCE,
  sub: "mallory",
  iat: nowS(),
  exp: nowS() + 300,
  ...extra,
});

describe("ID tokens", () => {
  it("signs a viewer in with a stable user id per (issuer, subject), on every device", async () => {
    const first = await signIn("alice", "phone");
    const again = await signIn("alice", "laptop");
    const bob = await signIn("bob");
    expect(first).toMatchObject({ signedIn: true, name: "Test alice" });
    expect(again.userId).toBe(first.userId);
    expect(again.token).not.toBe(first.token);
    expect(bob.userId).not.toBe(first.userId);
    expect(first.userId).toMatch(/^u_[0-9a-f]{32}$/);
  });

  it("refuses a token signed by another key under the provider's key id", async () => {
    const { privateKey } = await generateKeyPair("ES256");
    await refused(await new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: await devKid() }).sign(privateKey));
  });

  it("refuses alg none and an HS256 token keyed with the provider's public key", async () => {
    const kid = await devKid();
    await refused(`${base64url(JSON.stringify({ alg: "none", kid }))}.${base64url(JSON.stringify(claims()))}.`);
    const publicJwk = JSON.stringify((await devJwks()).keys[0]);
    const hs = new TextEncoder().encode(publicJwk);
    await refused(await new SignJWT(claims()).setProtectedHeader({ alg: "HS256", kid }).sign(hs));
  });

  it("checks expiry and not-before with a small leeway", async () => {
    await refused(await viewerToken("late", { exp: nowS() - 120 }));
    await refused(await viewerToken("early", { nbf: nowS() + 120 }));
    await accepted(await viewerToken("late-but-within-leeway", { exp: nowS() - 5 }));
    await accepted(await viewerToken("early-but-within-leeway", { nbf: nowS() + 5 }));
  });

  it("checks issuer and audience, and needs a subject", async () => {
    await refused(await viewerToken("x", { iss: "https://evil.example" }));
    await refused(await viewerToken("x", { aud: "another-app" }));
    await refused(await viewerToken("x", { aud: env.ACCESS_AUDIENCE }));
    await refused(await viewerToken("", { sub: undefined }));
    await refused("not.a.token");
    await refused("x".repeat(3000));
  });

  it("refetches the JWKS for an unknown key id at most once per cooldown", async () => {
    await accepted(await viewerToken("warm"));
    const { privateKey } = await generateKeyPair("ES256");
    const unknown = () => new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: "kid-nobody-published" }).sign(privateKey);
    // Past the cooldown (JWKS_COOLDOWN_MS = 1000 in the test config) since the last fetch.
    await new Promise((resolve) => setTimeout(resolve, Number(env.JWKS_COOLDOWN_MS) + 100));
    const before = jwksFetches.count;
    await refused(await unknown());
    expect(jwksFetches.count).toBe(before + 1);
    const burstAt = Date.now();
    const burst = await Promise.all(Array.from({ length: 20 }, async () => (await sessionFor(await unknown())).status));
    expect(burst.every((s) => s === 401)).toBe(true);
    // Once per cooldown: a burst that outlasts one (a loaded machine) may refetch once per cooldown it spans.
    expect(jwksFetches.count - before).toBeLessThanOrEqual(1 + Math.floor((Date.now() - burstAt) / Number(env.JWKS_COOLDOWN_MS)));
  });

  describe("refusals", () => {
    /** The reasons the worker logged for the refusals `run` caused (type "auth" lines). */
    async function loggedReasons(run: () => Promise<void>): Promise<string[]> {
      const log = vi.spyOn(console, "log");
      await run();
      const lines = [...log.mock.calls];
      log.mockRestore();
      return lines
        .map(([line]) => (typeof line === "string" && line.startsWith("{") ? (JSON.parse(line) as Record<string, unknown>) : {}))
        .filter((line) => line.type === "auth" && line.event === "token_refused")
        .map((line) => String(line.reason));
    }

    it("names the reason of each refusal in the log, and answers every one the same", async () => {
      const { privateKey } = await generateKeyPair("ES256");
      const kid = await devKid();
      const cases: [string, () => Promise<string>][] = [
        ["expired", () => viewerToken("x", { exp: nowS() - 120 })],
        ["not yet valid", () => viewerToken("x", { nbf: nowS() + 120 })],
        ["wrong issuer", () => viewerToken("x", { iss: "https://evil.example" })],
        ["wrong audience", () => viewerToken("x", { aud: "another-app" })],
        ["no subject", () => viewerToken("", { sub: undefined })],
        ["bad signature", () => new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid }).sign(privateKey)],
        ["algorithm not allowed", async () => `${base64url(JSON.stringify({ alg: "none", kid }))}.${base64url(JSON.stringify(claims()))}.`],
        ["unknown key", () => new SignJWT(claims()).setProtectedHeader({ alg: "ES256", kid: "kid-unknown-here" }).sign(privateKey)],
        ["malformed", async () => "not.a.token"],
      ];
      for (const [reason, token] of cases) {
        const presented = await token();
        const reasons = await loggedReasons(async () => {
          const res = await json("POST", "/api/session", { idToken: presented, nonce: NONCE_SECRET });
          expect(res.status).toBe(401);
          expect(await res.json()).toEqual({ error: { code: "invalid_token", message: "the ID token is not valid" } });
        });
        expect(reasons, reason).toEqual([reason]);
      }
      // An operator's Access token is refused the same way, and logged as such.
      const tooLong = await loggedReasons(async () => {
        const res = await callWith(env, "/api/admin/timeline", { headers: { "Cf-Access-Jwt-Assertion": "x".repeat(9000) } });
        expect(res.status).toBe(403);
      });
      expect(tooLong).toEqual(["too long"]);
    });

    it("tries a JWKS that failed to load at most once per cooldown: meanwhile tokens are answered 503 without a fetch", async () => {
      const down = { ...env, OIDC_JWKS_URL: `${env.OIDC_ISSUER}/jwks-unreachable-${crypto.randomUUID().slice(0, 8)}` };
      const signIn = async () =>
        callWith(down, "/api/session", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ idToken: await viewerToken("outage"), nonce: NONCE_SECRET }),
        });
      const before = jwksFetches.count;
      const first = await signIn();
      expect(first.status).toBe(503);
      expect(Number(first.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
      expect(jwksFetches.count).toBe(before + 1);
      const burst = await Promise.all(Array.from({ length: 20 }, signIn));
      expect(burst.map((r) => r.status)).toEqual(burst.map(() => 503));
      expect(jwksFetches.count).toBe(before + 1);
      await new Promise((resolve) => setTimeout(resolve, Number(env.JWKS_COOLDOWN_MS) + 100));
      expect((await signIn()).status).toBe(503);
      expect(jwksFetches.count).toBe(before + 2);
    });
  });
});
