/**
 * The second cache level: one copy of the timeline per Cloudflare location, in the Cache
 * API (`caches.default` is local to each data center). Isolates whose own copy expired
 * read it here first, so the timeline object sees about one read per location per TTL
 * instead of one per isolate. Entries carry the time they were read from the object;
 * they stay in the cache longer than the TTL so a new isolate still finds the last version
 * when the timeline object is unreachable.
 */
import type { EpochMs, Timeline } from "../wire/index";

const KEY = "https://timeline.gala-shake.internal/current";
const KEEP_SECONDS = 3600;

interface Entry {
  timeline: Timeline;
  fetchedAt: EpochMs;
}

export async function readColoCopy(): Promise<Entry | null> {
  try {
    const hit = await caches.default.match(KEY);
    return hit ? ((await hit.json()) as Entry) : null;
  } catch (err) {
    console.warn("colo timeline cache unreadable", String(err));
    return null;
  }
}

export async function writeColoCopy(timeline: Timeline, fetchedAt: EpochMs): Promise<void> {
  const body: Entry = { timeline, fetchedAt };
  try {
    await caches.default.put(
      KEY,
      new Response(JSON.stringify(body), {
        headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${KEEP_SECONDS}` },
      }),
    );
  } catch (err) {
    console.warn("colo timeline cache not written", String(err));
  }
}

/** Drops this location's copy (the tests start each file from an empty world). */
export async function forgetColoCopy(): Promise<void> {
  await caches.default.delete(KEY);
}
