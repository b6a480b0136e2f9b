/**
 * Helpers for the overload, fault and fuzz suites: calls through the worker's real entry with
 * the deployed protection settings (the suite-wide config switches shedding and pacing off),
 * and bursts of calls.
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import worker from "../../src/index";
import { WindowCounter } from "../../src/domain/window-counter";

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
