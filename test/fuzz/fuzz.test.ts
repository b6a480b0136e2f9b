/**
 * Fuzz: 1,600 generated malformed or hostile requests (100 of each of sixteen kinds) across
 * every route: wrong types, huge bodies, bad JSON, forms and malformed multipart, forged tokens
 * and admin secrets, path traversal in asset URLs, unknown routes and methods, and (four kinds
 * of sixteen) probes spread over every route the router has, the development identity
 * provider's included (route-probes.ts), fired in parallel batches while legitimate shakes
 * claim envelopes. No request gets a 5xx or a leak; the targeted hostile ones get a 4xx JSON
 * error (assets: a 4xx or a harmless page), a route probe may also succeed; every route is
 * probed; the audit balances afterwards.
 */
import { env } from "cloudflare:workers";
import { expectBalanced } from "../support/repair";
import { describe, expect, it } from "vitest";
import { seededRandomInt } from "../../src/domain/random";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import type { AuditReport, SessionResponse } from "../../src/wire/index";
import { admin, ADMIN_SECRET, call, createPool, session } from "../support/api";
import { inBatches, shakeInit } from "../support/deployed";
import { SPONSORS } from "../support/phases";
import { liveLotteryShow } from "../support/show";
import { ROUTES, routeKey, routeProbe, type RouteTemplate } from "./route-probes";

/** Every kind of probe (probe()) is sent TOTAL / 16 times, with values drawn from a seeded generator. */
const TOTAL = 1_600;
const BATCH = 200;
const random = seededRandomInt("fuzz-7");
const pick = <T>(xs: readonly T[]): T => xs[random(0, xs.length - 1)];

const junkValues: unknown[] = [
  null,
  true,
  0,
  -1,
  1.5,
  1e308,
  "",
  " ",
  "x".repeat(70),
  "../../etc/passwd",
  "<script>alert(1)</script>",
  "'; DROP TABLE claims; --",
  "\u0000",
  "\ud800",
  "🧧".repeat(40),
  [],
  [1, 2],
  { $gt: "" },
];
const badJson = [
  '{"__proto__":{"admin":true}}',
  '{"constructor":{"prototype":{"x":1}}}',
  "{",
  "}",
  "[",
  '{"requestId":',
  "{'a':1}",
  "nul",
  "NaN",
  '{"a":1}}',
  "\u0000",
  '{"requestId":"a","requestId":}',
  "😀",
];

interface Probe {
  path: string;
  init: RequestInit;
  assets?: boolean;
  /** A probe of one route of the router: it may succeed, but never with a 5xx. */
  route?: RouteTemplate;
}

/** Hostile probes come from their own address: its failed admin secrets lock out only itself. */
function headers(auth: string | null, contentType = "application/json"): Record<string, string> {
  return { "Content-Type": contentType, "CF-Connecting-IP": "203.0.113.66", ...(auth ? { Authorization: auth } : {}) };
}

function body(): string {
  switch (random(0, 5)) {
    case 0:
      return pick(badJson);
    case 1:
      return JSON.stringify(pick(junkValues));
    case 2:
      return JSON.stringify({ requestId: pick(junkValues) });
    case 3:
      return JSON.stringify({ requestId: "ok-id", extra: pick(junkValues) });
    case 4:
      return "z".repeat(random(5_000, 40_000));
    default:
      return JSON.stringify({ deviceId: pick(junkValues), [`k${random(0, 9)}`]: "v".repeat(random(0, 300)) });
  }
}

function forgedToken(real: string): string {
  const [payload, signature] = real.split(".");
  switch (random(0, 5)) {
    case 0:
      return `${payload}x.${signature}`;
    case 1:
      return `${btoa(JSON.stringify({ sub: "u_admin", iat: 0, exp: 9e15 })).replace(/=+$/, "")}.${signature}`;
    case 2:
      return `${payload}.${signature.split("").reverse().join("")}`;
    case 3:
      return pick(["", ".", "..", "a.b.c", "%%", "x".repeat(3000), "null"]);
    case 4:
      return `${payload}.`;
    default:
      return `${payload}.${signature}=`;
  }
}

const assetPaths = [
  "/..%2fwrangler.toml",
  "/%2e%2e/.dev.vars",
  "/%2e%2e%2f%2e%2e%2fpackage.json",
  "/static-assets/..%2f..%2fsrc/index.ts",
  "/.git/config",
  "/_headers",
  "/.dev.vars",
  "/..\\..\\wrangler.toml",
  "/index.html%00.js",
  "/%252e%252e/wrangler.toml",
  "/app.js/..%2f..%2f.dev.vars",
  "/" + "a/".repeat(500),
  "/%c0%ae%c0%ae/wrangler.toml",
  "/worker-configuration.d.ts",
];

function probe(users: SessionResponse[], kind: number): Probe {
  const user = pick(users);
  const bearer = `Bearer ${user.token}`;
  if (kind % 16 >= 12) return routeProbe(pick(ROUTES), user.token, random);
  switch (kind % 16) {
    case 10:
      return {
        path: `/api/envelopes/${pick(["%2e%2e", "x".repeat(200), crypto.randomUUID(), "'or'1'='1", "%00", "😀", "-1"])}/open`,
        init: {
          method: pick(["POST", "GET"]),
          headers: headers(pick([null, bearer, `Bearer ${forgedToken(user.token)}`])),
          body: pick([undefined, body()]),
        },
      };
    case 11:
      return {
        path: pick([
          "/api/wallet",
          "/api/admin/settlements",
          "/api/admin/settlements/requeue",
          `/api/admin/audit?stuckAfterMs=${pick(["-1", "abc", "1e400", "%00"])}`,
        ]),
        init: {
          method: pick(["GET", "POST", "DELETE"]),
          headers: headers(pick([null, `Bearer ${forgedToken(user.token)}`, `Bearer ${ADMIN_SECRET}`.slice(0, -1)])),
          body: pick([undefined, body()]),
        },
      };
    case 0:
      return { path: "/api/session", init: { method: "POST", headers: headers(null), body: body() } };
    case 1:
      return {
        path: "/api/shake",
        init: {
          method: "POST",
          headers: headers(pick([null, `Bearer ${forgedToken(user.token)}`, "Basic abc", bearer.slice(0, 20)])),
          body: JSON.stringify({ requestId: "fz" }),
        },
      };
    case 2:
      return {
        path: "/api/shake",
        init: {
          method: "POST",
          headers: headers(bearer, pick(["application/json", "text/plain", "application/x-www-form-urlencoded"])),
          body: body(),
        },
      };
    case 3:
      return {
        path: pick(["/api/admin/audit", "/api/admin/timeline", "/api/admin/pools"]),
        init: {
          method: pick(["GET", "POST", "PUT"]),
          headers: headers(pick([null, bearer, `Bearer ${ADMIN_SECRET}!`, `bearer ${ADMIN_SECRET.toUpperCase()}`])),
          body: pick([undefined, body()]),
        },
      };
    case 4:
      return {
        path: "/api/admin/timeline",
        init: {
          method: "PUT",
          headers: headers(`Bearer ${ADMIN_SECRET}`),
          body: pick([
            body(),
            JSON.stringify({ expectedVersion: pick(junkValues), timeline: pick(junkValues) }),
            JSON.stringify({
              expectedVersion: 1,
              timeline: {
                galaId: "g",
                sponsors: [],
                phases: [
                  {
                    id: "p",
                    title: "t",
                    kind: "lottery",
                    startsAt: 5,
                    endsAt: 1,
                    sponsorIds: ["nobody"],
                    greetingAssetId: "g",
                    candidateRate: 2,
                  },
                ],
              },
            }),
          ]),
        },
      };
    case 5:
      return {
        path: "/api/admin/pools",
        init: {
          method: "POST",
          headers: headers(`Bearer ${ADMIN_SECRET}`),
          body: pick([
            body(),
            JSON.stringify({
              phaseId: "lottery-fuzz",
              sponsorId: pick(SPONSORS).id,
              budgetCents: pick([0, -5, 1.5, 1e13, "100"]),
              count: pick([0, 1e9, -1, 2.5]),
            }),
            JSON.stringify({ phaseId: "nope", sponsorId: "aurora", budgetCents: 100, count: 1000 }),
          ]),
        },
      };
    case 6:
      return {
        path: `/api/admin/pools/${pick(["..%2f..", "x".repeat(300), "%00", "pool-unknown", "<svg>"])}/load`,
        init: { method: "POST", headers: headers(`Bearer ${ADMIN_SECRET}`) },
      };
    case 7:
      return {
        path: pick([
          "/api/nope",
          "/api/shake/extra/more",
          "/api/shake/%2e%2e",
          "/api/../api/admin/audit",
          "/api/admin",
          "/api/time/..%2fadmin",
          "/api/" + "q".repeat(5000),
        ]),
        init: { method: pick(["GET", "POST", "DELETE", "PATCH", "OPTIONS"]), headers: headers(pick([null, bearer])) },
      };
    case 8:
      return {
        path: pick(["/api/session", "/api/shake", "/api/time", "/api/timeline"]),
        init: { method: pick(["DELETE", "PATCH", "PUT"]), headers: headers(bearer), body: body() },
      };
    default:
      return { path: pick(assetPaths), init: { method: pick(["GET", "HEAD"]) }, assets: true };
  }
}

function send(p: Probe): Promise<Response> {
  if (p.init.method === "GET" || p.init.method === "HEAD") p.init.body = undefined;
  return p.assets ? env.ASSETS.fetch(new Request(`http://gala.test${p.path}`, p.init)) : call(p.path, p.init);
}

describe("fuzz", () => {
  it(`answers ${TOTAL} hostile requests across every route without a 5xx, and the audit still balances`, async () => {
    forgetTimeline();
    const sponsorIds = SPONSORS.slice(0, 3).map((s) => s.id);
    const { lotteryId } = await liveLotteryShow("fuzz", { sponsorIds });
    for (const sponsorId of sponsorIds) await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 500_000, count: 3000 });
    const users = await inBatches(20, 20, () => session());
    const statuses = new Map<number, number>();
    const failures: string[] = [];
    const probedRoutes = new Set<string>();
    let legit = 0;
    // Claim ids won (a route probe may replay an earlier request id: its answer is the same win).
    const won = new Set<string>();
    const started = Date.now();
    for (let sent = 0; sent < TOTAL; sent += BATCH) {
      const probes = Array.from({ length: BATCH }, (_, i) => probe(users, sent + i));
      const legitShakes = Array.from({ length: 10 }, (_, k) => call("/api/shake", shakeInit(users[k].token, `legit-${sent}-${k}`)));
      const [answers, legitAnswers] = await Promise.all([Promise.all(probes.map(send)), Promise.all(legitShakes)]);
      for (const [i, res] of answers.entries()) {
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const text = await res.text();
        const p = probes[i];
        if (p.route && p.init.method === p.route.method) probedRoutes.add(routeKey(p.route));
        const ok = p.assets
          ? res.status < 500 && (res.status >= 400 || !/SESSION_SECRET|compatibility_date|\[vars\]/.test(text))
          : res.status < 500 && (p.route !== undefined || res.status >= 400);
        const jsonError =
          p.assets ||
          (p.route !== undefined && res.status < 400) ||
          (res.headers.get("Content-Type")?.includes("application/json") && /^\{"error":\{"code":"[a-z_]+","message":/.test(text));
        const leak = /at .+\.(ts|js):\d+|node_modules|SqlStorage|SQLITE/i.test(text);
        // A route probe with a viewer's own session may win an envelope like a legitimate shake.
        if (p.route && res.status === 200 && p.path.startsWith("/api/shake") && text.includes('"kind":"envelope"'))
          won.add((JSON.parse(text) as { envelope: { claimId: string } }).envelope.claimId);
        if (!ok || !jsonError || leak) failures.push(`${p.init.method} ${p.path.slice(0, 80)} -> ${res.status} ${text.slice(0, 120)}`);
      }
      for (const res of legitAnswers) {
        legit++;
        const answer = (await res.json()) as { kind: string; envelope?: { claimId: string } };
        if (res.status !== 200) failures.push(`legit shake -> ${res.status}`);
        if (answer.envelope) won.add(answer.envelope.claimId);
      }
    }
    const elapsed = (Date.now() - started) / 1000;
    expect(failures.slice(0, 20)).toEqual([]);
    expect(ROUTES.map(routeKey).filter((key) => !probedRoutes.has(key))).toEqual([]);
    expect([...statuses.keys()].every((s) => s < 500)).toBe(true);
    const report: AuditReport = await (await admin("GET", "/audit")).json();
    expectBalanced(report);
    const claimed = report.pools.filter((p) => p.phaseId === lotteryId).reduce((n, p) => n + p.claimedCount, 0);
    expect(claimed).toBe(won.size);
    console.log(
      `fuzz: ${TOTAL} hostile requests (${ROUTES.length} routes probed) + ${legit} legitimate shakes in ${elapsed.toFixed(1)} s; statuses ` +
        `${JSON.stringify(Object.fromEntries([...statuses].sort()))}; ${won.size} envelopes; audit balanced`,
    );
  });
});
