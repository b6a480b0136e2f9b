/**
 * Helpers for the overload, fault and fuzz suites: a show with one lottery phase live now,
 * sessions pinned to one shard, and calls through the real app with the deployed
 * protection settings (the suite-wide config switches shedding and pacing off).
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { shardOf } from "../../src/domain/hash";
import { WindowCounter } from "../../src/domain/window-counter";
import type { CreatePoolResponse, SessionResponse, Timeline } from "../../src/wire/index";
import { admin, putTimeline, session } from "./api";

export const SPONSORS = ["s-red", "s-gold", "s-jade"];

/** One lottery phase live from a second ago for `durationMs`, with three sponsors. */
export async function liveLottery(phaseId: string, durationMs: number, candidateRate = 1): Promise<Timeline> {
  const now = Date.now();
  return putTimeline({
    galaId: `g7-${phaseId}-${crypto.randomUUID().slice(0, 8)}`,
    sponsors: SPONSORS.map((id) => ({ id, name: id, assetId: `asset-${id}` })),
    phases: [
      {
        id: phaseId,
        title: phaseId,
        kind: "lottery",
        startsAt: now - 1000,
        endsAt: now - 1000 + durationMs,
        sponsorIds: SPONSORS,
        greetingAssetId: "greeting",
        candidateRate,
      },
    ],
  });
}

export async function createPool(phaseId: string, sponsorId: string, budgetCents: number, count: number): Promise<CreatePoolResponse> {
  const res = await admin("POST", "/pools", { phaseId, sponsorId, budgetCents, count });
  if (res.status !== 201) throw new Error(`pool failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** `n` fresh sessions whose users all live on `shard`. */
export async function sessionsOnShard(shard: number, n: number): Promise<SessionResponse[]> {
  const shardCount = Number(env.SHARD_COUNT);
  const found: SessionResponse[] = [];
  while (found.length < n) {
    const batch = await Promise.all(Array.from({ length: 32 }, () => session()));
    found.push(...batch.filter((s) => shardOf(s.userId, shardCount) === shard));
  }
  return found.slice(0, n);
}

/** The deployed protection settings (wrangler.toml), optionally tightened. */
export function deployedEnv(overrides: Partial<Env> = {}): Env {
  return { ...env, SHARD_RPS_CEILING: "800", ISSUANCE_PACING: "on", ...overrides };
}

/** A request through the worker's real entry and bindings, with the given environment. */
export async function callWith(target: Env, path: string, init: RequestInit): Promise<Response> {
  const ctx = createExecutionContext();
  const request = new Request(`http://gala.test${path}`, init) as Parameters<typeof worker.fetch>[0];
  const res = await worker.fetch(request, target, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

export function shakeInit(token: string, requestId: string): RequestInit {
  return {
    method: "POST",
    headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
    body: JSON.stringify({ requestId }),
  };
}

/** A shake on the lean wire: `POST /api/shake/<requestId>`, no body. */
export function shakeWire(target: Env, token: string, requestId: string): Promise<Response> {
  return callWith(target, `/api/shake/${requestId}`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
}

/** Waits, if needed, so a burst starts with at least `seconds` left in the rate limiters' window of `period` seconds. */
export async function freshWindow(period: number, seconds: number): Promise<void> {
  const left = new WindowCounter(1, period).retryAfterSeconds(Date.now());
  if (left < seconds) await new Promise((r) => setTimeout(r, left * 1000 + 50));
}

/** Runs `tasks` with at most `width` in flight, in order. */
export async function inBatches<T>(count: number, width: number, task: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = [];
  for (let start = 0; start < count; start += width) {
    const size = Math.min(width, count - start);
    out.push(...(await Promise.all(Array.from({ length: size }, (_, k) => task(start + k)))));
  }
  return out;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}
