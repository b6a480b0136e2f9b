/**
 * The demo show `npm start` runs (the show clock seeds it into an empty timeline,
 * src/show/demo-seed.ts): a lottery phase live right now,
 * then greetings, a rest gap and a second lottery that hands out its envelopes from edge
 * leases (the first goes to the shards), with demo sponsor pools. A demo that has
 * finished is replaced by a new edition whose gala and phase ids carry the timeline version,
 * so no id of an earlier, closed edition is reused.
 */
import type { CreatePoolRequest, EpochMs, Timeline } from "../wire/index";

const MINUTE = 60_000;
export const DEMO_GALA_ID = "demo-gala";

export interface DemoShow {
  timeline: Omit<Timeline, "version">;
  pools: CreatePoolRequest[];
}

/** `overVersion`: the timeline version the show replaces (0 for the first edition). */
export function demoShow(now: EpochMs, overVersion = 0): DemoShow {
  const at = (minutes: number) => now + minutes * MINUTE;
  const edition = (id: string) => (overVersion === 0 ? id : `${id}-v${overVersion + 1}`);
  return {
    timeline: {
      galaId: edition(DEMO_GALA_ID),
      sponsors: [
        { id: "aurora", name: "Aurora Phones", names: { "zh-CN": "极光手机" }, assetId: "sponsor-aurora" },
        { id: "jade", name: "Jade Tea House", names: { "zh-CN": "翡翠茶馆" }, assetId: "sponsor-jade" },
        { id: "lantern", name: "Lantern Bank", names: { "zh-CN": "灯笼银行" }, assetId: "sponsor-lantern" },
        { id: "phoenix", name: "Phoenix Air", names: { "zh-CN": "凤凰航空" }, assetId: "sponsor-phoenix" },
      ],
      phases: [
        {
          id: edition("opening-lottery"),
          title: "Opening lottery",
          titles: { "zh-CN": "开场抽奖" },
          kind: "lottery",
          startsAt: at(-1),
          endsAt: at(20),
          sponsorIds: ["aurora", "jade", "lantern"],
          greetingAssetId: "greeting-opening",
          candidateRate: 0.3,
        },
        {
          id: edition("song-and-dance"),
          title: "Song and dance",
          titles: { "zh-CN": "歌舞表演" },
          kind: "greeting",
          startsAt: at(20),
          endsAt: at(30),
          sponsorIds: [],
          greetingAssetId: "greeting-song",
          candidateRate: 0,
        },
        {
          id: edition("midnight-lottery"),
          title: "Midnight lottery",
          titles: { "zh-CN": "午夜抽奖" },
          kind: "lottery",
          startsAt: at(35),
          endsAt: at(50),
          sponsorIds: ["aurora", "phoenix"],
          greetingAssetId: "greeting-midnight",
          candidateRate: 0.3,
          issuance: "edge-leases",
        },
        {
          id: edition("closing-greetings"),
          title: "Closing greetings",
          titles: { "zh-CN": "闭幕祝福" },
          kind: "greeting",
          startsAt: at(50),
          endsAt: at(120),
          sponsorIds: [],
          greetingAssetId: "greeting-closing",
          candidateRate: 0,
        },
      ],
    },
    pools: [
      { phaseId: edition("opening-lottery"), sponsorId: "aurora", budgetCents: 500_000, count: 2_000 },
      { phaseId: edition("opening-lottery"), sponsorId: "jade", budgetCents: 300_000, count: 1_500 },
      { phaseId: edition("opening-lottery"), sponsorId: "lantern", budgetCents: 200_000, count: 1_000, minCents: 50, maxCents: 1_000 },
      { phaseId: edition("midnight-lottery"), sponsorId: "aurora", budgetCents: 400_000, count: 2_000 },
      { phaseId: edition("midnight-lottery"), sponsorId: "phoenix", budgetCents: 100_000, count: 500 },
    ],
  };
}

/** A demo show whose last phase is over is replaced by a fresh one on the show clock's next run. */
export function isFinishedDemo(timeline: Timeline, now: EpochMs): boolean {
  return timeline.galaId.startsWith(DEMO_GALA_ID) && timeline.phases.every((p) => p.endsAt <= now);
}

/** When the show clock should wake to replace a demo show (its end, while it is ahead); null for any other show. */
export function demoWakeAt(timeline: Timeline | null, now: EpochMs): EpochMs | null {
  if (!timeline?.galaId.startsWith(DEMO_GALA_ID) || timeline.phases.length === 0) return null;
  const end = Math.max(...timeline.phases.map((p) => p.endsAt));
  return end > now ? end : null;
}
