/**
 * The cost model follows the worker as built: every entry point the worker serves (each
 * operation of the OpenAPI document and each route of the app, the lean shake wire, the queue
 * consumer, the cron, every Durable Object alarm) is priced by a line of the model's
 * operation table, and no line prices an entry point the worker no longer has. A new route,
 * consumer or alarm fails here until its footprint is in load/capacity/operations/.
 */
import { describe, expect, it } from "vitest";
import worker, * as entry from "../../src/index";
import { app } from "../../src/app";
import { operations as apiOperations } from "../../src/contract/openapi";
import { DEV_IDP_PATH } from "../../src/routes/dev-idp";
import { DEV_LIVE_PATH } from "../../src/routes/dev-live";
import { SHAKE_WIRE_PREFIX } from "../../src/edge/shake-wire";
import { PRODUCTION_DEPLOYMENT, REFERENCE_SHOW } from "../../load/capacity/shows";
import { operations } from "../../load/capacity/usage";

/** Development-only routes: 404 in production, so they cost nothing there. */
const DEVELOPMENT_ONLY = [DEV_IDP_PATH, DEV_LIVE_PATH];

const openApiStyle = (method: string, path: string) => `${method.toLowerCase()} ${path.replace(/\/$/, "").replace(/:(\w+)/g, "{$1}")}`;

function servedByWorker(): Set<string> {
  const served = new Set(apiOperations.map((o) => `${o.method} ${o.path}`));
  for (const r of app.routes) {
    if (r.method !== "ALL" && !DEVELOPMENT_ONLY.some((prefix) => r.path.startsWith(prefix))) served.add(openApiStyle(r.method, r.path));
  }
  served.add(`post ${SHAKE_WIRE_PREFIX}{requestId}`);
  if ("queue" in worker) served.add("queue");
  if ("scheduled" in worker) served.add("cron");
  for (const [name, value] of Object.entries(entry)) {
    if (typeof value === "function" && typeof value.prototype?.alarm === "function") served.add(`alarm ${name}`);
  }
  return served;
}

describe("cost model operation table", () => {
  const priced = new Set(operations(REFERENCE_SHOW, PRODUCTION_DEPLOYMENT).flatMap((op) => op.serves ?? []));
  const served = servedByWorker();

  it("prices every entry point the worker serves", () => {
    expect([...served].filter((e) => !priced.has(e)).sort()).toEqual([]);
    expect(served).toContain("alarm Timeline");
    expect(served).toContain("alarm PoolShard");
    expect(served).toContain("queue");
  });

  it("prices no entry point the worker does not serve", () => {
    expect([...priced].filter((e) => !served.has(e)).sort()).toEqual([]);
  });
});
