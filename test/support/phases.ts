/**
 * Test timelines' parts, pure (no worker, so the Node suites and the browser tests use them
 * too): the sponsors of every test show (the demo show's four, whose logos the resource
 * packages hold) and a phase.
 */
import type { Phase, Sponsor } from "../../src/wire/index";

export const SPONSORS: Sponsor[] = [
  { id: "aurora", name: "Aurora Phones", names: { "zh-CN": "极光手机" }, assetId: "sponsor-aurora" },
  { id: "jade", name: "Jade Tea House", names: { "zh-CN": "翡翠茶馆" }, assetId: "sponsor-jade" },
  { id: "lantern", name: "Lantern Bank", assetId: "sponsor-lantern" },
  { id: "phoenix", name: "Phoenix Air", assetId: "sponsor-phoenix" },
];

/** A phase titled "Lottery <id>" or "Greeting <id>"; a lottery has every sponsor and makes every shake a candidate. */
export function phase(id: string, kind: Phase["kind"], startsAt: number, endsAt: number, extra: Partial<Phase> = {}): Phase {
  return {
    id,
    title: `${kind === "lottery" ? "Lottery" : "Greeting"} ${id}`,
    kind,
    startsAt,
    endsAt,
    sponsorIds: kind === "lottery" ? SPONSORS.map((s) => s.id) : [],
    greetingAssetId: `greeting-${id}`,
    candidateRate: kind === "lottery" ? 1 : 0,
    ...extra,
  };
}
