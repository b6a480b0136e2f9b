/** Viewers: fresh sessions (any, or all living on one shard) and plain shakes on the JSON-body route. */
import { env } from "cloudflare:workers";
import { shardOf } from "../../src/domain/hash";
import type { SessionResponse, ShakeResponse } from "../../src/wire/index";
import { call, session } from "./api";
import { readJson } from "./api-client";

/** A viewer as most helpers need one: a session token and its user. */
export interface Viewer {
  token: string;
  userId: string;
}

/** Session tokens of `n` new viewers. */
export async function viewers(n: number): Promise<string[]> {
  return Promise.all(Array.from({ length: n }, async () => (await session()).token));
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

let shakeSeq = 0;

/**
 * A shake as a client sends it, answered 200: on the JSON-body route (`POST /api/shake`) or
 * the lean wire (`POST /api/shake/<requestId>`), with the holdings header and the retry mark
 * the PWA sends (`retry`: the lottery phase the request id was first sent in); a new request
 * id unless one is given.
 */
export async function shake(
  token: string,
  requestId = `r${++shakeSeq}`,
  options: { wire?: "json" | "lean"; holdings?: string; retry?: string } = {},
): Promise<ShakeResponse> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}` };
  if (options.holdings) headers["X-Gala-Holdings"] = options.holdings;
  if (options.retry) headers["X-Gala-Retry"] = options.retry;
  const res =
    options.wire === "lean"
      ? await call(`/api/shake/${requestId}`, { method: "POST", headers })
      : await call("/api/shake", {
          method: "POST",
          headers: { ...headers, "Content-Type": "application/json" },
          body: JSON.stringify({ requestId }),
        });
  return readJson<ShakeResponse>(res);
}

/** What a retried request must be answered again: the answer without the server's clock and the throttle hint of the moment. */
export const decision = (answer: ShakeResponse) => ({ ...answer, serverTime: 0, throttle: null });
