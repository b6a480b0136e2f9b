/**
 * The asset a won envelope shows, the same in the shake answer and the open answer: its
 * sponsor's animation, else the greeting of its phase (a sponsor or phase the running order
 * no longer has), else none.
 */
import type { Timeline } from "../wire/index";

export function envelopeAssetId(timeline: Timeline, phaseId: string, sponsorId: string): string {
  return timeline.sponsors.find((s) => s.id === sponsorId)?.assetId ?? timeline.phases.find((p) => p.id === phaseId)?.greetingAssetId ?? "";
}
