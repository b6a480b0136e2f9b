/** Viewers: fresh sessions (any, or all living on one shard) and plain shakes on the JSON-body route. */
import { env } from "cloudflare:workers";
import { shardOf } from "../../src/domain/hash";
import type { SessionResponse, ShakeResponse } from "../../src/wire/index";
import { json, session } from "./api";
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
/** A shake with a new request id. */
export async function shake(token: string): Promise<ShakeResponse> {
  return readJson<ShakeResponse>(await json("POST", "/api/shake", { requestId: `r${++shakeSeq}` }, token));
}
