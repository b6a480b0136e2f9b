/**
 * The viewers' view of the timeline: the phases in running order with their sponsors, and
 * where newer versions are published. Pure: the `GET /api/timeline` answer and the copy the
 * show clock publishes (src/show/publish.ts) are both made here.
 */
import type { LiveTimelineSource, PublicTimeline, Sponsor, Timeline } from "../wire/index";

export function publicView(timeline: Timeline, now: number, live: LiveTimelineSource): PublicTimeline {
  const sponsors = new Map<string, Sponsor>(timeline.sponsors.map((s) => [s.id, s]));
  return {
    galaId: timeline.galaId,
    version: timeline.version,
    serverTime: now,
    phases: [...timeline.phases]
      .sort((a, b) => a.startsAt - b.startsAt)
      .map((p) => ({
        id: p.id,
        title: p.title,
        ...(p.titles ? { titles: p.titles } : {}),
        kind: p.kind,
        startsAt: p.startsAt,
        endsAt: p.endsAt,
        greetingAssetId: p.greetingAssetId,
        sponsors: p.sponsorIds.flatMap((id) => sponsors.get(id) ?? []),
      })),
    live,
  };
}
