/**
 * Security at the edge: headers, CORS, body limits, session tokens (tampering, expiry,
 * forged signatures), the admin secret, and the session and shake rate limits (the
 * anti-cheat throttles) through the real Rate Limiting bindings.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { signSession } from "../../src/auth/session-token";
import type { ApiErrorBody, SessionResponse } from "../../src/wire/index";
import { admin, ADMIN_SECRET, call, json, ORIGIN, session } from "../support/api";
import { callWith, freshWindow, inBatches, shakeInit } from "../support/deployed";

const SECRET = "test-only-session-secret";

async function expectError(res: Response, status: number, code?: string): Promise<ApiErrorBody> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toMatch(/application\/json/);
  const body = (await res.json()) as ApiErrorBody;
  if (code) expect(body.error.code).toBe(code);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.(ts|js):\d+/);
  return body;
}

describe("security headers and CORS", () => {
  it("puts a locked-down CSP, nosniff and referrer policy on every API answer, errors included", async () => {
    for (const res of [await call("/api/time"), await call("/api/nope"), await json("POST", "/api/shake", {})]) {
      expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
      expect(res.headers.get("Content-Security-Policy")).toContain("frame-ancestors 'none'");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy")).toBe("no-referrer");
      expect(res.headers.get("X-Frame-Options")).toBe("DENY");
    }
  });

  it("serves the PWA's assets with a CSP that allows no inline script and no framing", async () => {
    for (const path of ["/", "/js/app.js"]) {
      const res = await env.ASSETS.fetch(`http://gala.test${path}`);
      expect(res.status).toBe(200);
      const csp = res.headers.get("Content-Security-Policy") ?? "";
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain("unsafe-inline");
      expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
      expect(res.headers.get("Referrer-Policy")).toBe("strict-origin-when-cross-origin");
      await res.arrayBuffer();
    }
  });

  it("serves resource packages with a CSP that runs nothing and admits only the envelope's own style", async () => {
    const res = await env.ASSETS.fetch("http://gala.test/resources/animations/v1/envelope.svg");
    expect(res.status).toBe(200);
    const style = /<style>([\s\S]*?)<\/style>/.exec(await res.text())?.[1] ?? "";
    expect(style).toContain("prefers-reduced-motion");
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(style));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    expect(res.headers.get("Content-Security-Policy")).toBe(
      `default-src 'none'; style-src 'sha256-${hash}'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
  });

  it("grants no cross-origin access", async () => {
    const preflight = await call("/api/shake", {
      method: "OPTIONS",
      headers: { Origin: "https://evil.example", "Access-Control-Request-Method": "POST" },
    });
    expect(preflight.status).toBe(404);
    expect(preflight.headers.get("Access-Control-Allow-Origin")).toBeNull();
    const read = await call("/api/timeline", { headers: { Origin: "https://evil.example" } });
    expect(read.headers.get("Access-Control-Allow-Origin")).toBeNull();
    await read.arrayBuffer();
  });
});

describe("body limits", () => {
  it("refuses oversized viewer and admin bodies before reading them", async () => {
    const { token } = await session();
    await expectError(await json("POST", "/api/shake", { requestId: "x".repeat(5000) }, token), 413, "too_large");
    await expectError(await json("POST", "/api/session", { deviceId: "y".repeat(8000) }), 413, "too_large");
    const huge = { expectedVersion: 0, timeline: { galaId: "g", sponsors: [], phases: [], pad: "z".repeat(300_000) } };
    await expectError(await admin("PUT", "/timeline", huge), 413, "too_large");
  });

  it("bounds string lengths inside small bodies", async () => {
    const { token } = await session();
    await expectError(await json("POST", "/api/shake", { requestId: "r".repeat(65) }, token), 400, "invalid_request");
    await expectError(await json("POST", "/api/session", { deviceId: "d".repeat(65) }), 400, "invalid_request");
  });
});

describe("session tokens", () => {
  async function shakeWith(token: string): Promise<Response> {
    return call("/api/shake", shakeInit(token, "r-1"));
  }

  it("rejects tampered, re-signed, expired and malformed tokens", async () => {
    const { token, userId } = await session();
    const [payload, signature] = token.split(".");
    const other = await session();
    const otherPayload = other.token.split(".")[0];
    const now = Date.now();
    const forged = [
      `${otherPayload}.${signature}`,
      `${payload}.${signature.slice(0, -2)}AA`,
      await signSession({ sub: userId, iat: now, exp: now + 60_000 }, "guessed-secret"),
      await signSession({ sub: userId, iat: now - 120_000, exp: now - 1 }, SECRET),
      "a.b",
      "a",
      `${payload}.${signature}.extra`,
      "x".repeat(2000),
      "%%%.%%%",
    ];
    for (const bad of forged) await expectError(await shakeWith(bad), 401, "unauthorized");
    expect((await shakeWith(token)).status).toBe(200);
  });

  it("binds the token to one user: no body field can name another", async () => {
    const a = await session();
    const b = await session();
    const res = await call("/api/shake", {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${a.token}` },
      body: JSON.stringify({ requestId: "r-2", userId: b.userId }),
    });
    await expectError(res, 400, "invalid_request");
  });
});

describe("admin secret", () => {
  it("keeps admin routes unreachable without the exact secret", async () => {
    const user = await session();
    for (const auth of [
      undefined,
      "Bearer ",
      `Bearer ${ADMIN_SECRET}x`,
      `Bearer ${ADMIN_SECRET.slice(0, -1)}`,
      `Bearer ${user.token}`,
      ADMIN_SECRET,
    ]) {
      const headers: Record<string, string> = {
        "Content-Type": "application/json",
        Origin: ORIGIN,
        ...(auth === undefined ? {} : { Authorization: auth }),
      };
      for (const [method, path] of [
        ["GET", "/api/admin/audit"],
        ["GET", "/api/admin/timeline"],
        ["POST", "/api/admin/pools"],
      ]) {
        await expectError(await call(path, { method, headers }), 401, "unauthorized");
      }
    }
    expect((await admin("GET", "/audit")).status).toBe(200);
  });
});

describe("anti-cheat rate limits", () => {
  it("throttles one device or one IP minting many sessions", async () => {
    await freshWindow(60, 20);
    const deviceId = `dev-${crypto.randomUUID()}`;
    const byDevice = await inBatches(35, 35, () => json("POST", "/api/session", { deviceId }));
    expect(byDevice.filter((r) => r.status === 201)).toHaveLength(30);
    const refused = byDevice.filter((r) => r.status === 429);
    expect(refused).toHaveLength(5);
    const retryAfter = Number(refused[0].headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    await expectError(refused[0], 429, "rate_limited");

    const ip = `198.51.100.${Math.floor(Math.random() * 250)}`;
    const byIp = await inBatches(32, 32, () =>
      call("/api/session", { method: "POST", headers: { "CF-Connecting-IP": ip, "Content-Type": "application/json" }, body: "{}" }),
    );
    expect(byIp.filter((r) => r.status === 429)).toHaveLength(2);
  });

  it("blocks a key the Rate Limiting binding refuses, though this isolate has barely seen it", async () => {
    const ip = `203.0.113.${Math.floor(Math.random() * 250)}`;
    await freshWindow(60, 10);
    // Another isolate of the location used up this IP's sessions.
    for (let i = 0; i < 30; i++) await env.SESSION_LIMITER.limit({ key: `ip:${ip}` });
    const init = () => ({ method: "POST", headers: { "CF-Connecting-IP": ip, "Content-Type": "application/json" }, body: "{}" });
    expect((await callWith(env, "/api/session", init())).status).toBe(201);
    await expectError(await callWith(env, "/api/session", init()), 429, "rate_limited");
  });

  it("gives one device's sessions together one phone's worth of shakes, refused before any object", async () => {
    // A lower limit than the suite's keeps the burst short, well inside one 10 s window.
    const limit = 100;
    const target = { ...env, SHAKE_LIMIT: String(limit) };
    const deviceId = `dev-${crypto.randomUUID()}`;
    const [a, b] = (await Promise.all([0, 1].map(() => json("POST", "/api/session", { deviceId })))) as Response[];
    const sa = (await a.json()) as SessionResponse;
    const sb = (await b.json()) as SessionResponse;
    const loner = await session();
    await freshWindow(10, 7);
    const started = Date.now();
    const answers = await inBatches(limit + 10, 50, (i) =>
      callWith(target, "/api/shake", shakeInit(i % 2 ? sa.token : sb.token, `r-${i}`)),
    );
    const loneAnswers = await inBatches(limit / 2, 50, (i) => callWith(target, "/api/shake", shakeInit(loner.token, `l-${i}`)));
    // The counts below hold for one window: the burst must not have straddled two.
    const windowOf = (t: number) => Math.floor(t / 10_000);
    expect(windowOf(Date.now())).toBe(windowOf(started));
    const limited = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(limit);
    expect(limited).toHaveLength(10);
    expect(Number(limited[0].headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    await expectError(limited[0], 429, "rate_limited");
    expect(loneAnswers.every((r) => r.status === 200)).toBe(true);
  });
});
