/**
 * The edge's copy of the timeline, in two levels. Each isolate keeps the last version it
 * read and serves shakes from it; once it is older than TIMELINE_TTL_MS one request
 * refreshes it in the background (stale-while-revalidate) from the location's copy in the
 * Cache API (colo-cache.ts), and only when that is older than the TTL too from the timeline
 * object. So the object sees about one read per location per TTL, whatever the shake rate,
 * and a new version reaches every shake answer within 2 x TTL plus one read. When the
 * object cannot be reached the isolate keeps its last version (or the location's), and
 * phases still open and close on their own clocks.
 */
import { readColoCopy, writeColoCopy } from "./colo-cache";
import { timelineTtlMs } from "../config";
import { unavailable } from "../errors";
import { timelineStub } from "../objects";
import type { Timeline } from "../wire/index";
import type { Background } from "./context";

interface Cached {
  timeline: Timeline;
  fetchedAt: number;
  refreshing: boolean;
}

let cached: Cached | null = null;

const EMPTY: Timeline = { galaId: "gala", version: 0, sponsors: [], phases: [] };

/** Puts a version this isolate has just written or read in front of older ones. */
export function rememberTimeline(timeline: Timeline): void {
  if (!cached || timeline.version >= cached.timeline.version) {
    cached = { timeline, fetchedAt: Date.now(), refreshing: false };
  }
}

/** Forgets the cached copy (tests, and admin reads that must see the object's version). */
export function forgetTimeline(): void {
  cached = null;
}

export async function currentTimeline(env: Env, background: Background): Promise<Timeline> {
  const entry = cached;
  if (entry) {
    if (Date.now() - entry.fetchedAt >= timelineTtlMs(env) && !entry.refreshing) {
      entry.refreshing = true;
      background.waitUntil(
        readTimeline(env)
          .catch((err) => console.warn("timeline refresh failed; serving cached version", String(err)))
          .finally(() => {
            entry.refreshing = false;
          }),
      );
    }
    return entry.timeline;
  }
  try {
    return await readTimeline(env);
  } catch (err) {
    console.error("timeline unreachable and nothing cached", String(err));
    throw unavailable("the show timeline is not available yet");
  }
}

/** Reads the location's copy when it is fresh, else the timeline object (then shares it). */
async function readTimeline(env: Env): Promise<Timeline> {
  const shared = await readColoCopy();
  if (shared && Date.now() - shared.fetchedAt < timelineTtlMs(env)) return adopt(shared.timeline);
  let stored: Timeline | null;
  try {
    stored = await timelineStub(env).read();
  } catch (err) {
    if (!shared) throw err;
    console.warn("timeline object unreachable; serving this location's last copy", String(err));
    return adopt(shared.timeline);
  }
  const timeline = stored ?? EMPTY;
  await writeColoCopy(timeline, Date.now());
  return adopt(timeline);
}

function adopt(timeline: Timeline): Timeline {
  if (cached && timeline.version < cached.timeline.version) return cached.timeline;
  cached = { timeline, fetchedAt: Date.now(), refreshing: false };
  return timeline;
}

/** After an admin write: this isolate and this location serve the new version at once. */
export async function publishTimeline(timeline: Timeline): Promise<void> {
  rememberTimeline(timeline);
  await writeColoCopy(timeline, Date.now());
}
