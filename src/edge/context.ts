/**
 * What the hot path carries: the request's background (work that runs after the answer,
 * `ctx.waitUntil`) and the context of one shake, made once per admitted shake and read by
 * every step of its answer (shake-answer.ts, edge-leases.ts) instead of long parameter lists.
 * Plain data: no closure is made per shake.
 */
import type { HoldingsHeader, RetryHeader, Timeline } from "../wire/index";

/** Runs work after the answer: the request's ExecutionContext. */
export type Background = Pick<ExecutionContext, "waitUntil">;

/** The request headers a shake reads (the holdings, the retry mark), only when needed. */
export interface ShakeHeaders {
  get(name: HoldingsHeader | RetryHeader): string | null;
}

export interface Shake {
  env: Env;
  background: Background;
  headers: ShakeHeaders;
  /** The viewer. */
  userId: string;
  requestId: string;
  /** The viewer's pool shard. */
  shard: number;
  /** The edge's cached timeline the shake is decided from. */
  timeline: Timeline;
  /** The edge's clock when the shake arrived. */
  now: number;
}
