/**
 * How the timeline reaches phones (docs/capacity.md): the show clock publishes each version
 * to an R2 object that Cloudflare's cache serves, and pages read it every LIVE_POLL_MS or so.
 * Pure arithmetic: the read rates the cache and the bucket see, and the longest an
 * operator's edit takes to reach an idle page, against the 10-second promise.
 */
import type { DeploymentInputs } from "./shows.ts";

/** The promise: an operator's edit reaches a viewer's page within 10 s. */
export const PROMISE_MS = 10_000;
/** From the edit's answer to the object in the bucket: the timeline object's publication (a PutObject), assumed. */
export const PUBLISH_MS = 1_000;
/**
 * A location may serve its expired copy while one request revalidates it (Cloudflare's
 * request collapsing): at most one read of the bucket, assumed.
 */
export const REVALIDATE_MS = 1_000;

export interface LivePlan {
  /** Reads of the published copy per second, all answered by the cache. */
  readsPerSecond: number;
  /** Reads that reach the bucket: one per location per max-age. */
  bucketReadsPerSecond: number;
  /** Publication + the cache's max-age + one revalidation + the page's longest poll interval. */
  propagationMs: number;
}

export function planLive(d: Pick<DeploymentInputs, "livePollMs" | "liveMaxAgeS" | "colos">, pagesOpen: number): LivePlan {
  const readsPerSecond = pagesOpen / ((d.livePollMs - 500) / 1_000);
  return {
    readsPerSecond,
    bucketReadsPerSecond: Math.min(readsPerSecond, d.colos / d.liveMaxAgeS),
    propagationMs: PUBLISH_MS + d.liveMaxAgeS * 1_000 + REVALIDATE_MS + d.livePollMs,
  };
}
