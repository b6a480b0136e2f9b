/** The console's live statistics, read from the timeline object and every shard. */
import { issuancePacing } from "../config";
import { statsReport } from "../domain/stats";
import { notFound } from "../errors";
import { allShards, shardStub, timelineStub } from "../objects";
import type { StatsReport, Timeline } from "../wire/index";

export async function loadTimeline(env: Env): Promise<Timeline> {
  const timeline = await timelineStub(env).read();
  if (!timeline) throw notFound("there is no timeline yet");
  return timeline;
}

export async function readStats(env: Env, now: number): Promise<StatsReport> {
  const stub = timelineStub(env);
  const [timeline, closed, pools] = await Promise.all([loadTimeline(env), stub.closedPhaseIds(), stub.pools()]);
  const phaseIds = timeline.phases.map((p) => p.id);
  const perShard = await Promise.all(allShards(env).map((shard) => shardStub(env, shard).phaseStats(phaseIds)));
  return statsReport(
    timeline,
    new Set(closed),
    pools.map((p) => p.record),
    perShard,
    issuancePacing(env),
    now,
  );
}
