/** Test helpers: call the worker through its real fetch handler, as a client would. */
import { exports } from "cloudflare:workers";
import type { SessionResponse, Timeline } from "../../src/wire/index";

export const ADMIN_SECRET = "test-only-admin-secret-at-least-32-chars";

export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`${ORIGIN}${path}`, init));
}

/** The origin the tests call the worker at: a browser sends it with every change (admin changes need it). */
export const ORIGIN = "http://gala.test";

export function json(method: string, path: string, body: unknown, token?: string): Promise<Response> {
  const headers: Record<string, string> = { "Content-Type": "application/json", Origin: ORIGIN };
  if (token) headers.Authorization = `Bearer ${token}`;
  return call(path, { method, headers, body: typeof body === "string" ? body : JSON.stringify(body) });
}

export function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return json(method, `/api/admin${path}`, body === undefined ? undefined : body, ADMIN_SECRET);
}

export async function session(): Promise<SessionResponse> {
  const res = await json("POST", "/api/session", {});
  if (res.status !== 201) throw new Error(`session failed: ${res.status}`);
  return res.json();
}

/** Writes a timeline over whatever version is current and returns the stored copy. */
export async function putTimeline(doc: Omit<Timeline, "version">): Promise<Timeline> {
  const current = (await (await admin("GET", "/timeline")).json()) as { timeline: Timeline | null };
  const res = await admin("PUT", "/timeline", { expectedVersion: current.timeline?.version ?? 0, timeline: doc });
  if (res.status !== 200) throw new Error(`timeline write failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { timeline: Timeline }).timeline;
}
