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
import { stuckAfterMs, timelineWrite } from "../routes/admin";
import { overrideBody, patchBody, versionBody } from "../routes/live-show";
import { repairRequest } from "../routes/repair";
import * as admin from "./admin-answers";
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
  op("get", "/api/openapi.json", "public", "OpenApi", "This document"),
  op(
    "post",
    "/api/session",
    "public",
    "Session",
    "A session for an OpenID Connect ID token, or an anonymous one where allowed (also sets the gs_session cookie)",
    { body: sessionRequest, status: 201 },
  ),
  op("get", "/api/identity", "public", "Identity", "How a viewer signs in here"),
  op("get", "/api/time", "public", "Time", "The server clock"),
  op("get", "/api/timeline", "public", "PublicTimeline", "Public view of the phases with their sponsors"),
  op(
    "post",
    "/api/shake/{requestId}",
    "session",
    "Shake",
    "One shake on the lean wire (no body; the request id is the path): rest, greeting, envelope or busy, with a throttle hint",
  ),
  op("post", "/api/shake", "session", "Shake", "The same shake with { requestId } as a JSON body (kept for one release)", {
    body: shakeRequest,
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
  op("get", "/api/wallet", "session", "Wallet", "Settled balance with settled and pending entries"),
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
  op("get", "/api/admin/alerts", "admin", "Alerts", "Conditions that need an operator, evaluated now"),
  op("get", "/api/admin/verify", "admin", "Verification", "Merge verification per pool and shard", { query: { phaseId: z.string() } }),
  op("get", "/api/admin/stats", "admin", "Stats", "Live figures per phase and shard"),
  op("post", "/api/admin/pools", "admin", "CreatePool", "Register, split and load a sponsor pool", {
    body: createPoolRequest,
    status: 201,
  }),
  op("get", "/api/admin/pools", "admin", "Pools", "Registered pools"),
  op("post", "/api/admin/pools/{poolId}/load", "admin", "PoolLoad", "Complete an interrupted pool load (idempotent)"),
  op("get", "/api/admin/audit", "admin", "Audit", "The full money audit", { query: { stuckAfterMs } }),
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

const json = (schema: JsonSchema) => ({ content: { "application/json": { schema } } });

function operationObject(o: Operation) {
  const pathParams = [...o.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({
    name,
    in: "path",
    required: true,
    schema: { type: "string" },
  }));
  const queryParams = Object.entries(o.query ?? {}).map(([name, schema]) => ({
    name,
    in: "query",
    required: false,
    schema: jsonSchema(schema, "input"),
  }));
  return {
    summary: o.summary,
    operationId: `${o.method}${o.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
    ...(o.auth === "public" ? { security: [] } : { security: [o.auth === "admin" ? { admin: [] } : { session: [] }] }),
    ...(pathParams.length + queryParams.length ? { parameters: [...pathParams, ...queryParams] } : {}),
    ...(o.body ? { requestBody: { required: !o.body.safeParse({}).success, ...json(jsonSchema(o.body, "input")) } } : {}),
    responses: {
      [o.status]: { description: "OK", ...json(ref(o.answer)) },
      "4XX": { description: "Bad input, missing auth, unknown id, stale version or rate limited", ...json(ref("Error")) },
      "503": { description: "A dependency is unavailable; retry after Retry-After", ...json(ref("Error")) },
    },
  };
}

let built: JsonSchema | null = null;

/** The document (built once per isolate). */
export function openApiDocument(): JsonSchema {
  if (built) return built;
  const paths: Record<string, Record<string, unknown>> = {};
  for (const o of operations) (paths[o.path] ??= {})[o.method] = operationObject(o);
  built = {
    openapi: "3.1.0",
    info: {
      title: "Gala Shake API",
      version: "1",
      description:
        "Shake-to-win red envelopes. Money is integer cents, times are Unix epoch milliseconds; every error is { error: { code, message } }.",
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
            "An operator: a Cloudflare Access JWT in Cf-Access-Jwt-Assertion (or its CF_Authorization cookie), or, break-glass, the admin secret as bearer",
        },
      },
    },
  };
  return built;
}
