/**
 * The edge's copy of the timeline. Each isolate keeps the last version it read and serves
 * shakes from it; once it is older than TIMELINE_TTL_MS one request refreshes it in the
 * background (stale-while-revalidate), so the timeline object sees about one read per
 * isolate per TTL, whatever the shake rate. When the object cannot be reached the isolate
 * keeps its last version, and phases still open and close on their own clocks.
 */
import { demoMode, timelineTtlMs } from "./config";
import { demoShow, isFinishedDemo } from "./domain/demo-show";
import { unavailable } from "./errors";
import { timelineStub } from "./objects";
import { createPool } from "./pools";
import type { Timeline } from "./wire";

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

export async function currentTimeline(env: Env, waitUntil: (p: Promise<unknown>) => void): Promise<Timeline> {
  const entry = cached;
  if (entry) {
    if (Date.now() - entry.fetchedAt >= timelineTtlMs(env) && !entry.refreshing) {
      entry.refreshing = true;
      waitUntil(
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

async function readTimeline(env: Env): Promise<Timeline> {
  const stored = await timelineStub(env).read();
  const timeline =
    demoMode(env) && (!stored || isFinishedDemo(stored, Date.now()))
      ? await seedDemo(env, stored?.version ?? 0)
      : (stored ?? EMPTY);
  if (cached && timeline.version < cached.timeline.version) return cached.timeline;
  cached = { timeline, fetchedAt: Date.now(), refreshing: false };
  return timeline;
}

/** Seeds the demo show once: only the writer that wins the version creates its pools. */
async function seedDemo(env: Env, overVersion: number): Promise<Timeline> {
  const show = demoShow(Date.now());
  const written = await timelineStub(env).write(show.timeline, overVersion);
  if (!written.ok) return written.current ?? EMPTY;
  for (const pool of show.pools) await createPool(env, pool, written.timeline);
  return written.timeline;
}
