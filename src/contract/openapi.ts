/**
 * The OpenAPI 3.1 document of the public and admin API, generated from the request schemas
 * the routes parse with (../schemas.ts and the routes' own) and the answer schemas of
 * ./viewer-answers.ts and ./admin-answers.ts. `operations` is the one list of routes; the
 * contract test checks it against the app's routes and every real answer against the
 * document, so neither can drift.
 */
import { z } from "zod";
import {
  createGroupRequest,
  createPoolRequest,
  grabGroupRequest,
  openRequest,
  presentRequest,
  sessionRequest,
  shakeRequest,
} from "../schemas";
import { statementFormat, stuckAfterMs, timelineWrite } from "../routes/admin";
import { overrideBody, patchBody, versionBody } from "../routes/live-show";
import { repairRequest } from "../routes/repair";
import * as admin from "./admin-answers";
import { statementAnswer } from "./statement-answers";
import {
  cacheControl,
  pathParameters,
  RETRY_AFTER_BUSY,
  RETRY_AFTER_RATE_LIMITED,
  RETRY_AFTER_UNAVAILABLE,
  SESSION_COOKIE_HEADER,
  shakeExamples,
  type HeaderObject,
} from "./responses";
import * as viewer from "./viewer-answers";

export type Auth = "public" | "session" | "admin";

export interface Operation {
  method: "get" | "post" | "put" | "patch" | "delete";
  /** OpenAPI path template, e.g. `/api/groups/{id}`. */
  path: string;
  summary: string;
  auth: Auth;
  body?: z.ZodType;
  query?: Record<string, z.ZodType>;
  status: 200 | 201;
  /** Component name of the answer schema (a key of `answers`). */
  answer: keyof typeof answers;
  /** Headers of the success answer (Cache-Control where the route sets it, the session cookie, busy's Retry-After). */
  headers?: Record<string, HeaderObject>;
  /** The success answer is also served as CSV (`?format=csv`), described here. */
  csv?: string;
}

/** Every answer schema, by its component name in the document. */
export const answers = {
  Error: viewer.errorAnswer,
  Session: viewer.sessionAnswer,
  Time: viewer.timeAnswer,
  PublicTimeline: viewer.publicTimelineAnswer,
  Shake: viewer.shakeAnswer,
  Open: viewer.openAnswer,
  Present: viewer.presentAnswer,
  Wallet: viewer.walletAnswer,
  CreateGroup: viewer.createGroupAnswer,
  GrabGroup: viewer.grabGroupAnswer,
  GroupView: viewer.groupViewAnswer,
  Identity: viewer.identityAnswer,
  Operator: admin.operatorAnswer,
  StoredTimeline: admin.storedTimelineAnswer,
  TimelineEdit: admin.timelineEditAnswer,
  StopPhase: admin.stopPhaseAnswer,
  Tick: admin.tickAnswer,
  CreatePool: admin.createPoolAnswer,
  Pools: admin.poolsAnswer,
  PoolLoad: admin.poolLoadAnswer,
  Verification: admin.verificationAnswer,
  Stats: admin.statsAnswer,
  Audit: admin.auditAnswer,
  DeadLetters: admin.deadLettersAnswer,
  Enqueue: admin.enqueueAnswer,
  Alerts: admin.alertsAnswer,
  AdminLog: admin.adminLogAnswer,
  Estimate: admin.estimateAnswer,
  Repair: admin.repairAnswer,
  Statement: statementAnswer,
  OpenApi: z.object({ openapi: z.literal("3.1.0") }).loose(),
} satisfies Record<string, z.ZodType>;

const op = (
  method: Operation["method"],
  path: string,
  auth: Auth,
  answer: Operation["answer"],
  summary: string,
  extra: Partial<Operation> = {},
): Operation => ({
  method,
  path,
  auth,
  answer,
  summary,
  status: 200,
  ...extra,
});

export const operations: Operation[] = [
  op("get", "/api/openapi.json", "public", "OpenApi", "This document", {
    headers: { "Cache-Control": cacheControl("public, max-age=300") },
  }),
  op(
    "post",
    "/api/session",
    "public",
    "Session",
    "A session for an OpenID Connect ID token or a code-flow code (with the secret of the sign-in's nonce; each token once), or an anonymous one where allowed (also sets the gs_session cookie)",
    { body: sessionRequest, status: 201, headers: { "Set-Cookie": SESSION_COOKIE_HEADER } },
  ),
  op("get", "/api/identity", "public", "Identity", "How a viewer signs in here"),
  op("get", "/api/operator", "public", "Operator", "Who the console's operator is (null when not signed in), asked before any admin call", {
    headers: { "Cache-Control": cacheControl("no-store") },
  }),
  op("get", "/api/time", "public", "Time", "The server clock", { headers: { "Cache-Control": cacheControl("no-store") } }),
  op("get", "/api/timeline", "public", "PublicTimeline", "Public view of the phases with their sponsors", {
    headers: { "Cache-Control": cacheControl("no-store") },
  }),
  op(
    "post",
    "/api/shake/{requestId}",
    "session",
    "Shake",
    "One shake on the lean wire (no body; the request id is the path): rest, greeting, envelope or busy, with a throttle hint",
    { headers: { "Retry-After": RETRY_AFTER_BUSY } },
  ),
  op("post", "/api/shake", "session", "Shake", "The same shake with { requestId } as a JSON body (kept for one release)", {
    body: shakeRequest,
    headers: { "Retry-After": RETRY_AFTER_BUSY },
  }),
  op(
    "post",
    "/api/envelopes/{claimId}/open",
    "session",
    "Open",
    "Open a won envelope (with the signed claim of an edge-lease win); settlement is queued",
    { body: openRequest },
  ),
  op("post", "/api/envelopes/present", "session", "Present", "Record the signed claims of edge-lease wins the client keeps", {
    body: presentRequest,
  }),
  op("get", "/api/wallet", "session", "Wallet", "Settled balance with settled and pending entries", {
    headers: { "Cache-Control": cacheControl("no-store") },
  }),
  op("post", "/api/groups", "session", "CreateGroup", "Create a group envelope from the wallet or a seed claim", {
    body: createGroupRequest,
    status: 201,
  }),
  op("post", "/api/groups/{id}/grab", "session", "GrabGroup", "Grab a share of a group envelope", { body: grabGroupRequest }),
  op("get", "/api/groups/{id}", "session", "GroupView", "A group envelope: who grabbed what, as labels (never user ids)"),
  op("get", "/api/admin/timeline", "admin", "StoredTimeline", "The stored timeline"),
  op("put", "/api/admin/timeline", "admin", "TimelineEdit", "Replace the timeline (409 on a stale version)", { body: timelineWrite }),
  op("patch", "/api/admin/timeline/phases/{phaseId}", "admin", "TimelineEdit", "Change fields of one phase", { body: patchBody }),
  op("delete", "/api/admin/timeline/phases/{phaseId}", "admin", "TimelineEdit", "Cancel a phase without pools", { body: versionBody }),
  op("post", "/api/admin/timeline/phases/{phaseId}/start", "admin", "TimelineEdit", "Start a phase now", { body: overrideBody }),
  op("post", "/api/admin/timeline/phases/{phaseId}/stop", "admin", "StopPhase", "End a phase now and close it", { body: overrideBody }),
  op("post", "/api/admin/show-clock/tick", "admin", "Tick", "Run the show clock now"),
  op("get", "/api/admin/alerts", "admin", "Alerts", "Conditions that need an operator, evaluated now", {
    headers: { "Cache-Control": cacheControl("no-store") },
  }),
  op("get", "/api/admin/verify", "admin", "Verification", "Merge verification per pool and shard", { query: { phaseId: z.string() } }),
  op("get", "/api/admin/stats", "admin", "Stats", "Live figures per phase and shard"),
  op("post", "/api/admin/pools", "admin", "CreatePool", "Register, split and load a sponsor pool", {
    body: createPoolRequest,
    status: 201,
  }),
  op("get", "/api/admin/pools", "admin", "Pools", "Registered pools"),
  op("post", "/api/admin/pools/{poolId}/load", "admin", "PoolLoad", "Complete an interrupted pool load (idempotent)"),
  op("get", "/api/admin/audit", "admin", "Audit", "The full money audit", { query: { stuckAfterMs } }),
  op(
    "get",
    "/api/admin/sponsors/{sponsorId}/statement",
    "admin",
    "Statement",
    "A sponsor's statement: per phase and pool, loaded, issued, settled into wallets, rolled over or returned and still in motion, reconciled to the cent",
    {
      query: { format: statementFormat },
      headers: { "Cache-Control": cacheControl("no-store") },
      csv: "The same statement as CSV (format=csv): one row per pool, a totals row, then every equation with its two sides",
    },
  ),
  op("get", "/api/admin/settlements", "admin", "DeadLetters", "Dead-lettered settlements"),
  op("post", "/api/admin/settlements/requeue", "admin", "Enqueue", "Put dead letters back on the settlement queue"),
  op("post", "/api/admin/settlements/sweep", "admin", "Enqueue", "Settle the unopened claims of ended phases now"),
  op("get", "/api/admin/log", "admin", "AdminLog", "The append-only admin log, newest first", { query: { limit: z.string() } }),
  op("get", "/api/admin/estimate", "admin", "Estimate", "Capacity plan and estimated bill of the stored show for an audience", {
    query: { viewers: z.string() },
  }),
  op("post", "/api/admin/repair", "admin", "Repair", "Run every repair now (lost settlements, stranded group money, the show clock)", {
    body: repairRequest,
  }),
];

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: "any" }) as JsonSchema;
  return rest;
}

const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });

const json = (schema: JsonSchema, examples?: Record<string, unknown>) => ({
  content: { "application/json": { schema, ...(examples ? { examples } : {}) } },
});

/** Public reads answered from the edge's memory are never rate limited; every other route can be. */
const rateLimited = (o: Operation) => o.auth !== "public" || o.path === "/api/session";

/** Adds the CSV form of an answer that has one. */
function withCsv<R extends { content: Record<string, unknown> }>(o: Operation, response: R): R {
  if (!o.csv) return response;
  return { ...response, content: { ...response.content, "text/csv": { schema: { type: "string", description: o.csv } } } };
}

function operationObject(o: Operation) {
  const pathParams = [...o.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => {
    const param = pathParameters[name];
    if (!param) throw new Error(`path parameter {${name}} of ${o.path} has no schema`);
    return { name, in: "path", required: true, description: param.description, schema: jsonSchema(param.schema, "input") };
  });
  const queryParams = Object.entries(o.query ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: false,
    schema: jsonSchema(schema, "input"),
  }));
  const examples = o.answer === "Shake" ? shakeExamples : undefined;
  return {
    summary: o.summary,
    operationId: `${o.method}${o.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    ...(o.auth === "public" ? { security: [] } : { security: [o.auth === "admin" ? { admin: [] } : { session: [] }] }),
    ...(pathParams.length + queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(o.body ? { requestBody: { required: !o.body.safeParse({}).success, ...json(jsonSchema(o.body, "input")) } } : {}),
    responses: {
      [o.status]: withCsv(o, { description: "OK", ...(o.headers ? { headers: o.headers } : {}), ...json(ref(o.answer), examples) }),
      "4XX": { description: "Bad input, missing auth, unknown id or stale version", ...json(ref("Error")) },
      ...(rateLimited(o)
        ? {
            "429": {
              description: "Rate limited: wait Retry-After seconds before the next call",
              headers: { "Retry-After": RETRY_AFTER_RATE_LIMITED },
              ...json(ref("Error")),
            },
          }
        : {}),
      "503": {
        description: "A dependency is unavailable; retry after Retry-After",
        headers: { "Retry-After": RETRY_AFTER_UNAVAILABLE },
        ...json(ref("Error")),
      },
    },
  };
}

let built: JsonSchema | null = null;

/** The document for the deployment at `origin` (the body is built once per isolate). */
export function openApiDocument(origin: string): JsonSchema {
  built ??= buildDocument();
  const { openapi, info, ...rest } = built;
  return { openapi, info, servers: [{ url: origin, description: "This deployment (the origin that served this document)" }], ...rest };
}

function buildDocument(): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of operations) (paths[o.path] ??= {})[o.method] = operationObject(o);
  return {
    openapi: "3.1.0",
    info: {
      title: "Gala Shake API",
      version: "1",
      description:
        "Shake-to-win red envelopes. Money is integer cents, times are Unix epoch milliseconds; every error is { error: { code, message } }.",
      license: { name: "Proprietary: not licensed for use outside the Gala Shake project", identifier: "LicenseRef-Proprietary" },
    },
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    paths,
    components: {
      schemas: Object.fromEntries(Object.entries(answers).map(([name, schema]) => [name, jsonSchema(schema, "output")])),
      securitySchemes: {
        session: { type: "http", scheme: "bearer", description: "The token of POST /api/session (or its gs_session cookie)" },
        admin: {
          type: "http",
          scheme: "bearer",
          description:
            "An operator: a Cloudflare Access JWT in Cf-Access-Jwt-Assertion (or its CF_Authorization cookie), or, break-glass, the admin secret as bearer. A change (any method but GET) must be application/json with the console's own Origin (or Sec-Fetch-Site: same-origin): 415 or 403 otherwise",
        },
      },
    },
  };
}
