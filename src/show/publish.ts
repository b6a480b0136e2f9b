/**
 * Publishing the timeline to phones: each version's public view goes to the `LIVE` R2
 * bucket as `timeline.json`, which viewer pages read through Cloudflare's cache (a public
 * bucket behind a custom domain; locally the development route src/routes/dev-live.ts).
 * So an idle page asks "has anything changed?" without running the Worker: its polls are
 * answered by the cache, and the bucket is read once per location per max-age
 * (docs/capacity.md, "How the timeline reaches phones"). The timeline object publishes
 * after every write and on every run of the show clock until a version is out.
 */
import { liveMaxAgeS, liveTimelineSource } from "../config";
import { publicView } from "../domain/public-timeline";
import type { Timeline } from "../wire/index";

/** The object's key in the bucket: the last part of LIVE_TIMELINE_URL. */
export const LIVE_KEY = "timeline.json";

export async function publishTimeline(env: Env, timeline: Timeline, now: number): Promise<void> {
  const view = publicView(timeline, now, liveTimelineSource(env));
  await env.LIVE.put(LIVE_KEY, JSON.stringify(view), {
    httpMetadata: { contentType: "application/json", cacheControl: `public, max-age=${liveMaxAgeS(env)}` },
  });
}
