/**
 * The gala API as the k6 scripts call it, typed by the project's wire types. Every request
 * is tagged with a stable `name` so thresholds and summaries group by route.
 */
import { fail } from "k6";
import exec from "k6/execution";
import http from "k6/http";
import { Counter } from "k6/metrics";
import type {
  AuditReport,
  CreatePoolRequest,
  CreatePoolResponse,
  HoldingsHeader,
  OpenResponse,
  PresentResponse,
  RetryHeader,
  SessionResponse,
  ShakeResponse,
  Timeline,
  WalletResponse,
} from "../../src/wire/index.ts";
import { retryAfterHeaderMs } from "../../static-assets/js/pacing.js";
import { ADMIN_SECRET, BASE_URL } from "./config.ts";

const HOLDINGS_HEADER: HoldingsHeader = "X-Gala-Holdings";
const RETRY_HEADER: RetryHeader = "X-Gala-Retry";
/** Counted in teardown; its threshold (`count==0`) fails the run on every k6 version. */
const auditUnbalanced = new Counter("audit_unbalanced");

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

/** GETs with a bearer token; the answer's status and parsed body. */
export function getJson<T>(path: string, token: string, name: string): { status: number; body: T | null } {
  const res = http.get(`${BASE_URL}${path}`, { headers: bearer(token), tags: { name }, responseType: "text" });
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

/** Creates `count` viewer sessions (in setup(), so VUs share them); `prefix` names their devices. */
export function createSessions(count: number, prefix = "k6"): string[] {
  const tokens: string[] = [];
  for (let start = 0; start < count; start += 50) {
    const batch = Array.from({ length: Math.min(50, count - start) }, (_, i) => ({
      method: "POST",
      url: `${BASE_URL}/api/session`,
      body: JSON.stringify({ deviceId: `${prefix}-${start + i}` }),
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

/**
 * A shake on the lean wire: `POST /api/shake/<requestId>` with no body (docs/overload.md),
 * carrying the viewer's latest holdings and, on a retry of a failed or busy shake, the retry
 * mark (the lottery phase the request id was first sent in).
 */
export function shake(
  token: string,
  id: string,
  options: { holdings?: string | null; retry?: string | null } = {},
): { status: number; body: ShakeResponse | null; retryAfterMs: number } {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (options.holdings) headers[HOLDINGS_HEADER] = options.holdings;
  if (options.retry) headers[RETRY_HEADER] = options.retry;
  const res = http.post(`${BASE_URL}/api/shake/${id}`, null, { headers, tags: { name: "shake" }, responseType: "text" });
  return {
    status: res.status,
    body: bodyOf<ShakeResponse>(res),
    retryAfterMs: retryAfterHeaderMs(res.headers["Retry-After"] ?? null, Date.now()),
  };
}

/** Opens a won envelope, with the signed claim of an edge-lease win the server may not hold yet. */
export function openEnvelope(token: string, claimId: string, signedClaim?: string) {
  return postJson<OpenResponse>(`/api/envelopes/${claimId}/open`, token, signedClaim ? { signedClaim } : {}, "open");
}

/** Hands in kept signed claims of edge-lease wins: recorded or voided, per claim. */
export function presentClaims(token: string, signedClaims: string[]) {
  return postJson<PresentResponse>("/api/envelopes/present", token, { signedClaims }, "present");
}

export function readWallet(token: string) {
  return getJson<WalletResponse>("/api/wallet", token, "wallet");
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

/**
 * teardown(): the run fails unless every cent balances after the load. The problems are
 * printed first; then `audit_unbalanced` crosses its threshold and fail() stops teardown,
 * both of which exist on k6 0.48 as on current k6 (exec.test.fail() came only with 1.0).
 */
export function requireBalancedAudit(): AuditReport {
  const res = admin<AuditReport>("GET", "/audit");
  if (res.status !== 200 || !res.body) fail(`audit unavailable: ${res.status}`);
  const report = res.body;
  const { leases, settlement } = report;
  console.log(
    `audit: balanced=${report.balanced} pools=${report.pools.length} maxClaimsPerUser=${report.maxClaimsPerUser} duplicates=${report.duplicateEnvelopeClaims} ` +
      `leases: recorded=${leases.recorded} voided=${leases.voided} outstanding=${leases.outstandingCount} ` +
      `settlement: pending=${settlement.pools.reduce((n, p) => n + p.pendingCount, 0)}`,
  );
  if (!report.balanced) {
    const places = report.problems.map((p) => `${p.place}: ${p.problem}${p.cents ? ` (${p.cents} cents)` : ""}`);
    for (const place of places) console.error(`audit problem: ${place}`);
    auditUnbalanced.add(1);
    fail(`money does not balance: ${places.slice(0, 10).join("; ") || "no problem named"}`);
  }
  return report;
}
