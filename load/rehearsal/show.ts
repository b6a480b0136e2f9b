/**
 * The rehearsal's running order: the demo show (src/domain/demo-show.ts), its minutes
 * compressed by the speed-up, its pools scaled to the audience (so the viewers can drain
 * them within the per-user limits), one pool carrying a split budget for group envelopes,
 * and the operator's step in the middle: the midnight lottery moved two minutes earlier
 * and an encore lottery added after the closing greetings, with its pools.
 */
import { demoShow } from "../../src/domain/demo-show.ts";
import type { CreatePoolRequest, Phase, Timeline } from "../../src/wire/index.ts";

const MINUTE = 60_000;
/** Show minutes kept of the demo's long closing greetings. */
const CLOSING_MINUTES = 10;
/** Demo envelopes per 10,000 viewers (the demo's counts); scaled to the audience. */
const DEMO_AUDIENCE = 10_000;
const SPLIT = { splitAmountCents: 888, splitCount: 5 };
/** Fewest envelopes in a scaled pool. */
const MIN_COUNT = 5;
const SPLIT_SPONSOR = "jade";
const MOVED_PHASE = "midnight-lottery";
const MOVE_BY_MINUTES = -2;
const ENCORE = { id: "encore-lottery", title: "Encore lottery", gapMinutes: 1, minutes: 6 };

export interface OperatorPlan {
  /** When the step is taken: the middle of the first greeting phase. */
  at: number;
  movePhaseId: string;
  moveByMs: number;
  moveByShowMinutes: number;
  encore: Phase;
  encorePools: CreatePoolRequest[];
}

export interface RehearsalShow {
  timeline: Omit<Timeline, "version">;
  pools: CreatePoolRequest[];
  operator: OperatorPlan;
  showStart: number;
  /** When the last phase (the encore) ends. */
  showEnd: number;
  /** `phaseId/sponsorId` pairs whose envelopes carry a split budget. */
  splitPools: string[];
}

/** Show minutes from the first phase's start to the encore's end (for --duration). */
export function showMinutes(): number {
  const phases = demoShow(0).timeline.phases;
  const first = phases[0]!.startsAt;
  const closing = phases.at(-1)!;
  return (closing.startsAt - first) / MINUTE + CLOSING_MINUTES + ENCORE.gapMinutes + ENCORE.minutes;
}

function scalePool(pool: CreatePoolRequest, viewers: number): CreatePoolRequest {
  const count = Math.max(MIN_COUNT, Math.round((pool.count * viewers) / DEMO_AUDIENCE));
  const budgetCents = Math.round((pool.budgetCents * count) / pool.count);
  return { ...pool, count, budgetCents, ...(pool.sponsorId === SPLIT_SPONSOR ? SPLIT : {}) };
}

/** The running order starting at `showStart`, `speedup` times faster than the demo. */
export function rehearsalShow(showStart: number, speedup: number, viewers: number): RehearsalShow {
  const demo = demoShow(0);
  const first = demo.timeline.phases[0]!.startsAt;
  const at = (demoMs: number) => Math.round(showStart + (demoMs - first) / speedup);
  const phases = demo.timeline.phases.map((p, i, all): Phase => {
    const last = i === all.length - 1;
    return { ...p, startsAt: at(p.startsAt), endsAt: at(last ? p.startsAt + CLOSING_MINUTES * MINUTE : p.endsAt) };
  });
  const closing = phases.at(-1)!;
  const song = phases.find((p) => p.kind === "greeting")!;
  const encoreStart = closing.endsAt + (ENCORE.gapMinutes * MINUTE) / speedup;
  const encore: Phase = {
    id: ENCORE.id,
    title: ENCORE.title,
    kind: "lottery",
    startsAt: Math.round(encoreStart),
    endsAt: Math.round(encoreStart + (ENCORE.minutes * MINUTE) / speedup),
    sponsorIds: ["phoenix", SPLIT_SPONSOR],
    greetingAssetId: "greeting-closing",
    candidateRate: 0.3,
  };
  const pools = demo.pools.map((p) => scalePool(p, viewers));
  const encorePools = [
    scalePool({ phaseId: ENCORE.id, sponsorId: "phoenix", budgetCents: 150_000, count: 750 }, viewers),
    scalePool({ phaseId: ENCORE.id, sponsorId: SPLIT_SPONSOR, budgetCents: 150_000, count: 750 }, viewers),
  ];
  return {
    timeline: { ...demo.timeline, galaId: `rehearsal-${showStart}`, phases },
    pools,
    operator: {
      at: Math.round((song.startsAt + song.endsAt) / 2),
      movePhaseId: MOVED_PHASE,
      moveByMs: Math.round((MOVE_BY_MINUTES * MINUTE) / speedup),
      moveByShowMinutes: Math.abs(MOVE_BY_MINUTES),
      encore,
      encorePools,
    },
    showStart,
    showEnd: encore.endsAt,
    splitPools: [...pools, ...encorePools].filter((p) => p.splitCount).map((p) => `${p.phaseId}/${p.sponsorId}`),
  };
}
