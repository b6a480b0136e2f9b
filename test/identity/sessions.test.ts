/**
 * One person is one user: every device and every later sign-in of a person shares the
 * limits and the wallet. Anonymous sessions exist only where configured (demo mode, or
 * behind Turnstile verified server-side against the stand-in), and the production config
 * refuses the development identity provider.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signSession } from "../../src/auth/session-token";
import { DEV_TURNSTILE_PASS } from "../../src/routes/dev-idp";
import type { ApiErrorBody, ShakeResponse } from "../../src/wire/index";
import { call, createPool, json, wallet } from "../support/api";
import { callWith } from "../support/deployed";
import { NONCE_SECRET, signIn, viewerToken } from "../support/identity";
import { open } from "../support/lottery";
import { liveLottery, liveLotteryShow } from "../support/show";
import { eventually } from "../support/wait";

const post = (target: Env, body: unknown) =>
  callWith(target, "/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) });

async function code(res: Response): Promise<string> {
  return ((await res.json()) as ApiErrorBody).error.code;
}

describe("one person, many devices", () => {
  it("gives a person shaking from six devices at once at most 3 envelopes in the gala", async () => {
    const { lotteryId } = await liveLotteryShow("devices");
    for (const sponsorId of ["aurora", "jade", "lantern", "phoenix"]) {
      await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 40_000, count: 400 });
    }
    const devices = await Promise.all(Array.from({ length: 6 }, (_, d) => signIn("dora", `device-${d}`)));
    expect(new Set(devices.map((d) => d.userId)).size).toBe(1);
    const answers = await Promise.all(
      devices.flatMap((d, k) =>
        Array.from(
          { length: 20 },
          async (_, i) => (await (await json("POST", "/api/shake", { requestId: `d${k}-${i}` }, d.token)).json()) as ShakeResponse,
        ),
      ),
    );
    const won = answers.flatMap((a) => (a.kind === "envelope" ? [a.envelope] : []));
    expect(won).toHaveLength(3);
    expect(new Set(won.map((e) => e.sponsorId)).size).toBe(3);
  });

  it("shows a returning person their wallet after their session token expired", async () => {
    await liveLottery("returning", 20);
    const first = await signIn("erin");
    const shake = (await (await json("POST", "/api/shake", { requestId: "erin-1" }, first.token)).json()) as ShakeResponse;
    if (shake.kind !== "envelope") throw new Error(`expected an envelope, got ${shake.kind}`);
    expect((await open(first.token, shake.envelope.claimId)).status).toBe(200);
    await eventually(async () => (await wallet(first.token)).balanceCents === shake.envelope.amountCents);

    const expired = await signSession({ sub: first.userId, iat: Date.now() - 20_000, exp: Date.now() - 1 }, env.SESSION_SECRET);
    expect((await call("/api/wallet", { headers: { Authorization: `Bearer ${expired}` } })).status).toBe(401);
    const back = await signIn("erin", "new-phone");
    expect(back.userId).toBe(first.userId);
    const seen = await wallet(back.token);
    expect(seen.balanceCents).toBe(shake.envelope.amountCents);
    expect(seen.entries).toEqual([expect.objectContaining({ claimId: shake.envelope.claimId, status: "settled" })]);
  });
});

describe("anonymous sessions", () => {
  it("are refused where the deployment turned them off, while ID tokens still sign in", async () => {
    const off = { ...env, ANONYMOUS_SESSIONS: "off" };
    const res = await post(off, { deviceId: "d-off" });
    expect(res.status).toBe(401);
    expect(await code(res)).toBe("sign_in_required");
    expect((await post(off, { idToken: await viewerToken("frank"), nonce: NONCE_SECRET })).status).toBe(201);
  });

  it("need a Turnstile token the verify endpoint accepts where a challenge is configured", async () => {
    const challenged = { ...env, ANONYMOUS_SESSIONS: "turnstile", TURNSTILE_SITE_KEY: "site-key-1" };
    const identity = async (target: Env) => (await callWith(target, "/api/identity", {})).json();
    expect(await identity(challenged)).toMatchObject({ anonymousSessions: "turnstile", turnstileSiteKey: "site-key-1" });
    expect(await identity(env)).toMatchObject({ anonymousSessions: "on", turnstileSiteKey: null });
    const missing = await post(challenged, { deviceId: "d-t1" });
    expect([missing.status, await code(missing)]).toEqual([403, "challenge_required"]);
    const wrong = await post(challenged, { deviceId: "d-t2", turnstileToken: "forged" });
    expect([wrong.status, await code(wrong)]).toEqual([403, "challenge_failed"]);
    const passed = await post(challenged, { deviceId: "d-t3", turnstileToken: DEV_TURNSTILE_PASS });
    expect(passed.status).toBe(201);
    expect(await passed.json()).toMatchObject({ signedIn: false });
    const outage = { ...challenged, TURNSTILE_VERIFY_URL: "http://127.0.0.1:9/siteverify" };
    const down = await post(outage, { deviceId: "d-t4", turnstileToken: DEV_TURNSTILE_PASS });
    expect([down.status, await code(down)]).toEqual([503, "unavailable"]);
  });
});

describe("production configuration", () => {
  const production = { ...env, ...(JSON.parse((env as unknown as { PRODUCTION_VARS: string }).PRODUCTION_VARS) as Record<string, string>) };

  it("has no development identity provider and no unchallenged anonymous sessions", async () => {
    expect(production.ENVIRONMENT).toBe("production");
    expect(production.DEV_IDP).not.toBe("on");
    expect(production.ANONYMOUS_SESSIONS).not.toBe("on");
    expect(production.OIDC_JWKS_URL).toMatch(/^https:/);
    expect(production.ACCESS_JWKS_URL).toMatch(/^https:\/\/[^/]+\.cloudflareaccess\.com\/cdn-cgi\/access\/certs$/);
    expect((await callWith(production, "/api/dev-idp/jwks", {})).status).toBe(404);
    expect((await post(production, { deviceId: "d-prod" })).status).toBe(401);
  });

  it("refuses to serve when the development provider is switched on in production, or the admin secret is short", async () => {
    for (const broken of [
      { ...production, DEV_IDP: "on" },
      { ...production, ANONYMOUS_SESSIONS: "on" },
      { ...env, ADMIN_SECRET: "short-secret" },
    ]) {
      const res = await callWith(broken, "/api/time", {});
      expect([res.status, await code(res)]).toEqual([503, "misconfigured"]);
    }
  });
});
