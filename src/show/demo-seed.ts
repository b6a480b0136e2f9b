/**
 * The demo show of `npm start` (DEMO_MODE "on"; src/domain/demo-show.ts), seeded by the show
 * clock: into an empty timeline, and again as a new edition once the last one has finished,
 * with its sponsor pools created. In demo mode the timeline object runs the clock as it
 * starts, and the clock wakes at the demo's end (demoWakeAt), so a viewer of `npm start`
 * finds a live lottery within a run of the clock; no read path writes anything.
 */
import { demoShow, isFinishedDemo } from "../domain/demo-show";
import { createPool } from "./pools";
import type { ShowRegistry } from "./registry";
import type { EpochMs } from "../wire/index";

/** Seeds the demo show when the running order is empty or a finished demo; returns the gala seeded, if any. */
export async function seedDemo(env: Env, registry: ShowRegistry, now: EpochMs): Promise<string | null> {
  const current = registry.document();
  if (current && !isFinishedDemo(current, now)) return null;
  const show = demoShow(now, current?.version ?? 0);
  const written = registry.write(show.timeline, current?.version ?? 0);
  if (!written.ok) return null;
  for (const pool of show.pools) await createPool(env, registry, pool, written.timeline);
  return written.timeline.galaId;
}
