/**
 * The worker's HTTP API as a client calls it, over any transport: the worker's own fetch
 * handler inside workerd (api.ts) or a real port (the browser tests). Every helper that
 * reads an answer fails with the status and body when the answer is not the expected one.
 */
import type {
  AuditReport,
  CreatePoolRequest,
  CreatePoolResponse,
  Phase,
  SessionResponse,
  Timeline,
  VerificationReport,
  WalletResponse,
} from "../../src/wire/index";
import { SPONSORS } from "./phases";

/** Sends `init` to `path` (e.g. "/api/time") and returns the answer. */
export type Transport = (path: string, init?: RequestInit) => Promise<Response>;

export async function readJson<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

/** `origin` is the Origin a browser on the console's page sends (admin changes are refused without it). */
export function apiClient(call: Transport, adminSecret: string, origin: () => string) {
  function json(method: string, path: string, body: unknown, token?: string): Promise<Response> {
    const headers: Record<string, string> = { "Content-Type": "application/json", Origin: origin() };
    if (token) headers.Authorization = `Bearer ${token}`;
    return call(path, { method, headers, body: body === undefined || typeof body === "string" ? body : JSON.stringify(body) });
  }

  /** A call to `/api/admin<path>` with the break-glass secret. */
  function admin(method: string, path: string, body?: unknown): Promise<Response> {
    return json(method, `/api/admin${path}`, body, adminSecret);
  }

  async function storedTimeline(): Promise<Timeline | null> {
    return (await readJson<{ timeline: Timeline | null }>(await admin("GET", "/timeline"))).timeline;
  }

  /** Writes a timeline over whatever version is current and returns the stored copy. */
  async function putTimeline(doc: Omit<Timeline, "version">): Promise<Timeline> {
    const current = await storedTimeline();
    const res = await admin("PUT", "/timeline", { expectedVersion: current?.version ?? 0, timeline: doc });
    return (await readJson<{ timeline: Timeline }>(res)).timeline;
  }

  return {
    call,
    json,
    admin,
    /** The stored timeline (a test that reads it has written one). */
    getTimeline: async () => {
      const timeline = await storedTimeline();
      if (!timeline) throw new Error("no timeline stored");
      return timeline;
    },
    putTimeline,
    /** A show of `phases` with the test sponsors (phases.ts), as a new gala unless `galaId` is given. */
    putShow: (phases: Phase[], galaId = `gala-${crypto.randomUUID().slice(0, 8)}`) => putTimeline({ galaId, sponsors: SPONSORS, phases }),
    createPool: async (request: CreatePoolRequest) => readJson<CreatePoolResponse>(await admin("POST", "/pools", request), 201),
    /** A new anonymous viewer. */
    session: async () => readJson<SessionResponse>(await json("POST", "/api/session", {}), 201),
    wallet: async (token: string) => readJson<WalletResponse>(await json("GET", "/api/wallet", undefined, token)),
    /** The audit; `stuckAfterMs` is how old an unsettled claim must be to count as stuck. */
    audit: async (stuckAfterMs?: number) =>
      readJson<AuditReport>(await admin("GET", `/audit${stuckAfterMs === undefined ? "" : `?stuckAfterMs=${stuckAfterMs}`}`)),
    verify: async (phaseId?: string) => readJson<VerificationReport>(await admin("GET", `/verify${phaseId ? `?phaseId=${phaseId}` : ""}`)),
  };
}
