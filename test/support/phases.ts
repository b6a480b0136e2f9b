/** Test timelines' parts, pure (no worker): the sponsors every test show uses, and a phase. */
import type { Phase, Sponsor } from "../../src/wire/index";

export const SPONSORS: Sponsor[] = ["alpha", "beta", "gamma", "delta"].map((id) => ({
  id,
  name: `Sponsor ${id}`,
  assetId: `sponsor-${id}`,
}));

export function phase(id: string, kind: Phase["kind"], startsAt: number, endsAt: number, extra: Partial<Phase> = {}): Phase {
  return {
    id,
    title: `Phase ${id}`,
    kind,
    startsAt,
    endsAt,
    sponsorIds: kind === "lottery" ? SPONSORS.map((s) => s.id) : [],
    greetingAssetId: `greeting-${id}`,
    candidateRate: kind === "lottery" ? 1 : 0,
    ...extra,
  };
}
