/**
 * Operators: /api/admin/* takes a Cloudflare Access JWT (header or cookie; the development
 * provider stands in for Access) or the break-glass admin secret, refused after repeated
 * failures from one address; a change is accepted only as JSON from the console's own
 * origin; every change lands in the append-only admin log.
 */
import { env } from "cloudflare:workers";
import { generateKeyPair, SignJWT } from "jose";
import { describe, expect, it, vi } from "vitest";
import { devJwks } from "../../src/auth/dev-keys";
import { FAILED_SECRET_LIMIT } from "../../src/auth/admin-identity";
import type { AdminLogResponse, ApiErrorBody, Timeline } from "../../src/wire/index";
import type { Timeline as TimelineObject } from "../../durable-objects/timeline";
import { timelineStub } from "../../src/objects";
import { patchObjects } from "../support/show";
import { ADMIN_SECRET, call, session } from "../support/api";
import { nowS, operatorToken, viewerToken } from "../support/identity";
import { phase, SPONSORS } from "../support/phases";

/** The console's own origin: the tests call the worker at http://gala.test. */
const ORIGIN = "http://gala.test";

function asOperator(method: string, path: string, token: string, body?: unknown, via: "header" | "cookie" = "header"): Promise<Response> {
  const auth: Record<string, string> = via === "header" ? { "Cf-Access-Jwt-Assertion": token } : { Cookie: `CF_Authorization=${token}` };
  return call(`/api/admin${path}`, {
    method,
    headers: { "Content-Type": "application/json", Origin: ORIGIN, ...auth },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

function withSecret(secret: string, ip: string): Promise<Response> {
  return call("/api/admin/timeline", { headers: { Authorization: `Bearer ${secret}`, "CF-Connecting-IP": ip } });
}

describe("operator sign-in", () => {
  it("accepts a valid Access JWT in the header or the cookie", async () => {
    const token = await operatorToken("ada");
    expect((await asOperator("GET", "/timeline", token)).status).toBe(200);
    expect((await asOperator("GET", "/timeline", token, undefined, "cookie")).status).toBe(200);
  });

  it("refuses a browser's cross-site admin call even with a valid Access cookie", async () => {
    const res = await call("/api/admin/settlements/requeue", {
      method: "POST",
      headers: { Cookie: `CF_Authorization=${await operatorToken("ada")}`, "Sec-Fetch-Site": "cross-site" },
    });
    expect(res.status).toBe(403);
  });

  describe("a change rides no ambient credential", () => {
    const tick = async (headers: Record<string, string>, body: string | undefined = "{}") =>
      call("/api/admin/show-clock/tick", {
        method: "POST",
        headers: { Cookie: `CF_Authorization=${await operatorToken("ada")}`, ...headers },
        body,
      });
    const refused = async (res: Response, status: number, code: string) => {
      expect(res.status).toBe(status);
      expect(((await res.json()) as ApiErrorBody).error.code).toBe(code);
    };

    it("refuses a form post (text/plain, urlencoded, multipart, or no type at all) with the Access cookie", async () => {
      for (const type of [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
        "text/plain; a=application/json",
      ]) {
        await refused(await tick({ "Content-Type": type, Origin: ORIGIN, "Sec-Fetch-Site": "same-origin" }), 415, "unsupported_media_type");
      }
      await refused(await tick({ Origin: ORIGIN }, undefined), 415, "unsupported_media_type");
    });

    it("refuses a JSON change without Origin and Sec-Fetch-Site (an older browser), or marked same-site", async () => {
      await refused(await tick({ "Content-Type": "application/json" }), 403, "forbidden");
      await refused(await tick({ "Content-Type": "application/json", "Sec-Fetch-Site": "same-site" }), 403, "forbidden");
      await refused(await tick({ "Content-Type": "application/json", "Sec-Fetch-Site": "none" }), 403, "forbidden");
    });

    it("refuses a JSON change from a foreign origin, a sibling subdomain or a null origin", async () => {
      for (const origin of ["https://evil.example", "http://shop.gala.test", "http://gala.test:8080", "https://gala.test", "null"]) {
        await refused(
          await tick({ "Content-Type": "application/json", Origin: origin, "Sec-Fetch-Site": "same-origin" }),
          403,
          "forbidden",
        );
      }
    });

    it("accepts JSON from the console's own origin, or marked same-origin by a browser that sends no Origin; reads need neither", async () => {
      expect((await tick({ "Content-Type": "application/json", Origin: ORIGIN })).status).toBe(200);
      expect((await tick({ "Content-Type": "application/json; charset=utf-8", "Sec-Fetch-Site": "same-origin" })).status).toBe(200);
      const read = await call("/api/admin/timeline", { headers: { Cookie: `CF_Authorization=${await operatorToken("ada")}` } });
      expect(read.status).toBe(200);
      // The break-glass secret follows the same rule (the runbook's commands send both headers).
      const breakGlass = (headers: Record<string, string>) =>
        call("/api/admin/show-clock/tick", {
          method: "POST",
          headers: { Authorization: `Bearer ${ADMIN_SECRET}`, ...headers },
          body: "{}",
        });
      await refused(await breakGlass({ "Content-Type": "text/plain", Origin: ORIGIN }), 415, "unsupported_media_type");
      await refused(await breakGlass({ "Content-Type": "application/json" }), 403, "forbidden");
      expect((await breakGlass({ "Content-Type": "application/json", Origin: ORIGIN })).status).toBe(200);
    });
  });

  it("answers 401 without credentials and 403 for an Access JWT that does not check out", async () => {
    expect((await call("/api/admin/timeline")).status).toBe(401);
    const { token: viewerSession } = await session();
    expect(
      (await call("/api/admin/timeline", { headers: { Authorization: `Bearer ${viewerSession}`, "CF-Connecting-IP": "192.0.2.1" } }))
        .status,
    ).toBe(401);
    const { privateKey } = await generateKeyPair("ES256");
    const kid = (await devJwks()).keys[0].kid as string;
    const forged = await new SignJWT({
      iss: env.ACCESS_ISSUER,
      aud: env.ACCESS_AUDIENCE,
      sub: "eve",
      email: "eve@ops.example",
      exp: nowS() + 60,
    })
      .setProtectedHeader({ alg: "ES256", kid })
      .sign(privateKey);
    for (const token of [forged, await viewerToken("alice"), await operatorToken("ada", { exp: nowS() - 300 }), "garbage"]) {
      const res = await asOperator("GET", "/timeline", token);
      expect(res.status).toBe(403);
      expect(((await res.json()) as ApiErrorBody).error.code).toBe("forbidden");
    }
  });

  it("tells the console who its operator is without a refusal: Access, break-glass, or null", async () => {
    const whoAmI = async (headers: Record<string, string>) => {
      const res = await call("/api/operator", { headers: { "CF-Connecting-IP": "192.0.2.44", ...headers } });
      expect(res.status).toBe(200);
      return ((await res.json()) as { operator: string | null }).operator;
    };
    expect(await whoAmI({})).toBeNull();
    expect(await whoAmI({ Cookie: `CF_Authorization=${await operatorToken("ada")}` })).toBe("access:ada@ops.example");
    expect(await whoAmI({ "Cf-Access-Jwt-Assertion": await operatorToken("ada", { exp: nowS() - 300 }) })).toBeNull();
    expect(await whoAmI({ Authorization: `Bearer ${ADMIN_SECRET}` })).toBe("break-glass:admin-secret");
    expect(await whoAmI({ Authorization: "Bearer not-the-secret" })).toBeNull();
  });

  it("refuses the break-glass secret from an address after repeated failures, not from others", async () => {
    const attacker = "198.51.100.7";
    for (let i = 0; i < FAILED_SECRET_LIMIT; i++) expect((await withSecret(`${ADMIN_SECRET}-wrong-${i}`, attacker)).status).toBe(401);
    const locked = await withSecret(ADMIN_SECRET, attacker);
    expect(locked.status).toBe(429);
    expect(locked.headers.get("Retry-After")).toMatch(/^\d+$/);
    expect((await withSecret(ADMIN_SECRET, "198.51.100.8")).status).toBe(200);
  });
});

describe("admin log", () => {
  it("records each change with who, what, when and the timeline version, and nothing else", async () => {
    const ada = await operatorToken("ada");
    const now = Date.now();
    const doc: Omit<Timeline, "version"> = {
      galaId: "gala-admin-log",
      sponsors: SPONSORS,
      phases: [phase("log-lottery", "lottery", now + 60_000, now + 120_000, { sponsorIds: ["aurora"] })],
    };
    const current = ((await (await asOperator("GET", "/timeline", ada)).json()) as { timeline: Timeline | null }).timeline;
    const put = await asOperator("PUT", "/timeline", ada, { expectedVersion: current?.version ?? 0, timeline: doc });
    expect(put.status).toBe(200);
    const written = ((await put.json()) as { timeline: Timeline }).timeline;
    expect((await asOperator("PUT", "/timeline", ada, { expectedVersion: 0, timeline: doc })).status).toBe(409);
    expect(
      (await asOperator("POST", "/pools", ada, { phaseId: "log-lottery", sponsorId: "aurora", budgetCents: 1_000, count: 10 })).status,
    ).toBe(201);
    expect((await asOperator("POST", "/timeline/phases/log-lottery/start", ada, {})).status).toBe(200);
    const stop = await call("/api/admin/timeline/phases/log-lottery/stop", {
      method: "POST",
      headers: { Authorization: `Bearer ${ADMIN_SECRET}`, "Content-Type": "application/json", Origin: ORIGIN },
      body: "{}",
    });
    expect(stop.status).toBe(200);
    expect((await asOperator("POST", "/settlements/requeue", ada)).status).toBe(200);

    const log = (await (await asOperator("GET", "/log?limit=10", ada)).json()) as AdminLogResponse;
    // Only this test's changes (the tests above made some of their own).
    const entries = log.entries.filter((e) => e.at >= now).reverse();
    expect(entries.map((e) => [e.who, e.action])).toEqual([
      ["access:ada@ops.example", "PUT /api/admin/timeline"],
      ["access:ada@ops.example", "POST /api/admin/pools"],
      ["access:ada@ops.example", "POST /api/admin/timeline/phases/log-lottery/start"],
      ["break-glass:admin-secret", "POST /api/admin/timeline/phases/log-lottery/stop"],
      ["access:ada@ops.example", "POST /api/admin/settlements/requeue"],
    ]);
    expect(entries[0].timelineVersion).toBe(written.version);
    expect(entries[2].timelineVersion).toBe(written.version + 1);
    expect(entries[3].timelineVersion).toBe(written.version + 2);
    expect(entries[1].detail).toContain('"sponsorId":"aurora"');
    for (const e of entries) expect(e.at).toBeGreaterThanOrEqual(now);
    expect(new Set(entries.map((e) => e.seq)).size).toBe(entries.length);
    expect((await asOperator("DELETE", "/log", ada)).status).toBe(404);
    expect((await call("/api/admin/log")).status).toBe(401);
  });

  it("keeps a change that the log cannot record, and writes its entry to the worker's log instead", async () => {
    const ada = await operatorToken("ada");
    const errors = vi.spyOn(console, "error");
    try {
      await patchObjects<TimelineObject, "logAdminChange">(
        timelineStub(env),
        "logAdminChange",
        () => () => {
          throw new Error("log store unreachable");
        },
        async () => expect((await asOperator("POST", "/settlements/requeue", ada)).status).toBe(200),
      );
      const line = errors.mock.calls.find(([text]) => text === "admin log write failed");
      expect(line?.[1]).toContain('"action":"POST /api/admin/settlements/requeue"');
      expect(line?.[1]).toContain('"who":"access:ada@ops.example"');
    } finally {
      errors.mockRestore();
    }
  });
});
