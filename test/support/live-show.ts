/** Helpers for live-show tests: a show built around "now", pools, shakes and admin reads. */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type {
  AuditReport,
  CreatePoolResponse,
  Phase,
  ShakeResponse,
  Timeline,
  TimelineEditResponse,
  VerificationReport,
} from "../../src/wire/index";
import { admin, json, putTimeline, session } from "./api";

export const SPONSORS = [
  { id: "aurora", name: "Aurora Phones", assetId: "sponsor-aurora" },
  { id: "jade", name: "Jade Tea House", assetId: "sponsor-jade" },
];

export function lottery(id: string, startsAt: number, endsAt: number, sponsorIds = ["aurora"], candidateRate = 1): Phase {
  return { id, title: id, kind: "lottery", startsAt, endsAt, sponsorIds, greetingAssetId: `greeting-${id}`, candidateRate };
}

export function greeting(id: string, startsAt: number, endsAt: number): Phase {
  return { id, title: id, kind: "greeting", startsAt, endsAt, sponsorIds: [], greetingAssetId: `greeting-${id}`, candidateRate: 0 };
}

export function show(galaId: string, phases: Phase[]): Promise<Timeline> {
  return putTimeline({ galaId, sponsors: SPONSORS, phases });
}

export async function pool(phaseId: string, sponsorId: string, budgetCents: number, count: number): Promise<CreatePoolResponse> {
  const res = await admin("POST", "/pools", { phaseId, sponsorId, budgetCents, count });
  if (res.status !== 201) throw new Error(`pool failed: ${res.status} ${await res.text()}`);
  return res.json();
}

export async function readJson<T>(res: Response, status = 200): Promise<T> {
  const text = await res.text();
  if (res.status !== status) throw new Error(`expected ${status}, got ${res.status}: ${text}`);
  return JSON.parse(text) as T;
}

export const getTimeline = async () => (await readJson<{ timeline: Timeline }>(await admin("GET", "/timeline"))).timeline;
export const audit = async () => readJson<AuditReport>(await admin("GET", "/audit"));
export const verify = async (phaseId?: string) =>
  readJson<VerificationReport>(await admin("GET", `/verify${phaseId ? `?phaseId=${phaseId}` : ""}`));
export const edited = (res: Response) => readJson<TimelineEditResponse>(res);

let shakeSeq = 0;
export async function shake(token: string): Promise<ShakeResponse> {
  return readJson<ShakeResponse>(await json("POST", "/api/shake", { requestId: `r${++shakeSeq}` }, token));
}

export async function viewers(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => (await session()).token));
}

export function timelineStub() {
  return env.TIMELINE.getByName("timeline");
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Replaces a method on a Durable Object class's prototype (so on every instance of it, e.g.
 * every shard) for the duration of `body`, to make an object fail or to observe its calls.
 */
export async function patchObjects<O extends object, K extends keyof O>(
  stub: DurableObjectStub,
  name: K,
  replacement: (original: O[K]) => O[K],
  body: () => Promise<void>,
): Promise<void> {
  const proto: O = await runInDurableObject(stub, (instance) => Object.getPrototypeOf(instance));
  const original = proto[name];
  proto[name] = replacement(original);
  try {
    await body();
  } finally {
    proto[name] = original;
  }
}
