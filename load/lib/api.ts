/**
 * The gala API as the k6 scripts call it, typed by the project's wire types. Every request
 * is tagged with a stable `name` so thresholds and summaries group by route.
 */
import { fail } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import type { AuditReport, CreatePoolRequest, CreatePoolResponse, SessionResponse, ShakeResponse, Timeline } from "../../src/wire/index.ts";
import { ADMIN_SECRET, BASE_URL } from "./config.ts";

const JSON_HEADERS = { "Content-Type": "application/json" };

/** JSON headers with a bearer token (a session token or the admin secret). */
export function bearer(token: string) {
  return { ...JSON_HEADERS, Authorization: `Bearer ${token}` };
}

/** Parses a JSON body, or null for a body that is not JSON. */
export function bodyOf<T>(res: http.RefinedResponse<"text">): T | null {
  try {
    return JSON.parse(res.body) as T;
  } catch {
    return null;
  }
}

/** POSTs a JSON body with a bearer token; the answer's status and parsed body. */
export function postJson<T>(path: string, token: string, body: unknown, name: string): { status: number; body: T | null } {
  const res = http.post(`${BASE_URL}${path}`, JSON.stringify(body), { headers: bearer(token), tags: { name }, responseType: "text" });
  return { status: res.status, body: bodyOf<T>(res) };
}

export function admin<T>(method: "GET" | "PUT" | "POST", path: string, body?: unknown): { status: number; body: T | null } {
  const res = http.request(method, `${BASE_URL}/api/admin${path}`, body === undefined ? null : JSON.stringify(body), {
    // Admin changes are JSON from the deployment's own origin (docs/identity.md).
    headers: { ...bearer(ADMIN_SECRET), Origin: BASE_URL },
    tags: { name: `admin ${method} ${path.replace(/\/[^/]*[0-9][^/]*$/, "/:id")}` },
    timeout: "60s",
    responseType: "text",
  });
  return { status: res.status, body: bodyOf<T>(res) };
}

/** setup(): stops the run at once when the target or its admin API is not answering. */
export function requireTarget(): void {
  const res = http.get(`${BASE_URL}/api/time`, { timeout: "5s", tags: { name: "time" } });
  if (res.status !== 200) fail(`target ${BASE_URL} is down: GET /api/time answered ${res.status} ${res.error}`);
  const audit = admin<AuditReport>("GET", "/audit");
  if (audit.status !== 200) fail(`admin API refused (${audit.status}): check ADMIN_SECRET`);
}

/** Creates `count` viewer sessions (in setup(), so VUs share them). */
export function createSessions(count: number): string[] {
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => ({
      method: "POST",
      url: `${BASE_URL}/api/session`,
      body: JSON.stringify({ deviceId: `k6-${start + i}` }),
      params: { headers: JSON_HEADERS, tags: { name: "session" } },
    }));
    for (const res of http.batch(batch)) {
      const session = bodyOf<SessionResponse>(res as http.RefinedResponse<"text">);
      if (res.status !== 201 || !session) fail(`session creation failed: ${res.status}`);
      tokens.push(session.token);
    }
  }
  return tokens;
}

/** A request id unique across the whole run (VU id and iteration). */
export function requestId(prefix: string): string {
  return `${prefix}-${exec.vu.idInTest}-${exec.vu.iterationInInstance}-${Date.now() % 100_000}`;
}

/** A shake on the lean wire: `POST /api/shake/<requestId>` with no body (docs/overload.md). */
export function shake(token: string, id: string): { status: number; body: ShakeResponse | null } {
  const res = http.post(`${BASE_URL}/api/shake/${id}`, null, {
    headers: { Authorization: `Bearer ${token}` },
    tags: { name: "shake" },
    responseType: "text",
  });
  return { status: res.status, body: bodyOf<ShakeResponse>(res) };
}

export function publicTimelineVersion(): number | null {
  const res = http.get(`${BASE_URL}/api/timeline`, { tags: { name: "timeline" }, responseType: "text" });
  return bodyOf<{ version: number }>(res)?.version ?? null;
}

export function readTimeline(): Timeline | null {
  return admin<{ timeline: Timeline | null }>("GET", "/timeline").body?.timeline ?? null;
}

/** Writes a timeline over the version it was read at; false on a 409 (someone else wrote). */
export function writeTimeline(doc: Omit<Timeline, "version">, expectedVersion: number): Timeline | null {
  const res = admin<{ timeline: Timeline }>("PUT", "/timeline", { expectedVersion, timeline: doc });
  if (res.status === 409) return null;
  if (res.status !== 200 || !res.body) fail(`timeline write failed: ${res.status}`);
  return res.body.timeline;
}

export function createPool(request: CreatePoolRequest): CreatePoolResponse {
  const res = admin<CreatePoolResponse>("POST", "/pools", request);
  if (res.status !== 201 || !res.body) fail(`pool creation failed: ${res.status}`);
  return res.body;
}

/** teardown(): the run fails unless every cent balances after the load. */
export function requireBalancedAudit(): AuditReport {
  const res = admin<AuditReport>("GET", "/audit");
  if (res.status !== 200 || !res.body) fail(`audit unavailable: ${res.status}`);
  const report = res.body;
  console.log(
    `audit: balanced=${report.balanced} pools=${report.pools.length} maxClaimsPerUser=${report.maxClaimsPerUser} duplicates=${report.duplicateEnvelopeClaims}`,
  );
  if (!report.balanced) {
    const off = report.pools.filter((p) => !p.balanced).map((p) => p.poolId);
    exec.test.fail(`money does not balance: ${off.join(", ") || "limits or duplicates broken"}`);
    fail("money does not balance");
  }
  return report;
}
