/**
 * The estimate the operator console shows beside the show being edited: the stored running
 * order and its pools, with the audience the operator expects, turned into the model's
 * inputs and priced by the same modules as `npm run capacity` (plan, ledger, published
 * timeline, bill). Pure: the admin route (src/routes/estimate.ts) reads the timeline, the
 * pools and the Worker's variables and passes them here. Habits the timeline does not say
 * (how long a phone shakes and keeps the page open, how many winners open or split their
 * envelope) are the reference gala's.
 */
import type { CostEstimate, PoolRecord, Timeline } from "../../src/wire/index.ts";
import { billReport } from "./cost.ts";
import { deploymentOf, type Vars } from "./deployment.ts";
import { planLedger, REFERENCE_LEDGER } from "./ledger.ts";
import { planLive } from "./live.ts";
import { plan, REFERENCE_GALA } from "./model.ts";
import { REFERENCE_SHOW, type ShowInputs } from "./shows.ts";

/** The reference gala's peak: 14 million of its 200 million phones shaking in the same second. */
const PEAK_SHARE = REFERENCE_GALA.peakShakesPerSecond / REFERENCE_SHOW.viewers;

export function showOf(timeline: Timeline, pools: readonly PoolRecord[], viewers: number): ShowInputs {
  const lottery = timeline.phases.filter((p) => p.kind === "lottery");
  const ids = new Set(lottery.map((p) => p.id));
  const envelopes = pools.filter((p) => ids.has(p.phaseId)).reduce((sum, p) => sum + p.count, 0);
  const lotterySeconds = lottery.reduce((sum, p) => sum + (p.endsAt - p.startsAt) / 1_000, 0);
  const starts = timeline.phases.map((p) => p.startsAt);
  const ends = timeline.phases.map((p) => p.endsAt);
  const showHours = timeline.phases.length ? (Math.max(...ends) - Math.min(...starts)) / 3_600_000 : 0;
  return {
    ...REFERENCE_SHOW,
    name: timeline.galaId,
    viewers,
    pageOpenMinutes: Math.min(REFERENCE_SHOW.pageOpenMinutes, showHours * 60),
    peakShakesPerSecond: viewers * PEAK_SHARE,
    envelopes,
    lotteryPhases: lottery.length,
    lotteryPhaseSeconds: lottery.length ? lotterySeconds / lottery.length : 0,
    showHours,
  };
}

/** The busiest lottery phase's envelopes per second (issuance is paced over each phase). */
function peakEnvelopesPerSecond(timeline: Timeline, pools: readonly PoolRecord[]): number {
  return Math.max(
    0,
    ...timeline.phases
      .filter((p) => p.kind === "lottery" && p.endsAt > p.startsAt)
      .map(
        (p) => pools.filter((pool) => pool.phaseId === p.id).reduce((sum, pool) => sum + pool.count, 0) / ((p.endsAt - p.startsAt) / 1_000),
      ),
  );
}

export function estimate(timeline: Timeline, pools: readonly PoolRecord[], viewers: number, vars: Vars): CostEstimate {
  const s = showOf(timeline, pools, viewers);
  const d = deploymentOf(vars);
  const envelopesPerSecond = peakEnvelopesPerSecond(timeline, pools);
  const gala = {
    ...REFERENCE_GALA,
    peakShakesPerSecond: Math.max(1, s.peakShakesPerSecond),
    envelopesPerSecond,
    timelineTtlMs: d.timelineTtlMs,
  };
  const shards = plan(gala, d.shards);
  const ledger = planLedger(
    { ...REFERENCE_LEDGER, creditsPerSecond: envelopesPerSecond, creditsPerNight: s.envelopes, shards: d.shards },
    d.ledgerPartitions,
  );
  const needed = Math.max(ledger.partitionsForRate, ledger.partitionsForSize);
  const live = planLive(d, s.viewers);
  const bill = billReport(s, d);
  return {
    show: {
      viewers,
      lotteryPhases: s.lotteryPhases,
      lotteryPhaseSeconds: s.lotteryPhaseSeconds,
      showHours: s.showHours,
      envelopes: s.envelopes,
      peakShakesPerSecond: s.peakShakesPerSecond,
      peakEnvelopesPerSecond: envelopesPerSecond,
    },
    plan: {
      shardsNeeded: shards.shardsNeeded,
      shardsConfigured: d.shards,
      perShardRequestsPerSecond: shards.perShardRequestsPerSecond,
      perShardLoad: shards.perShardLoad,
      ledgerPartitionsNeeded: needed,
      ledgerPartitionsConfigured: d.ledgerPartitions,
      settlementMessagesPerSecond: ledger.messagesPerSecond,
      liveReadsPerSecond: live.readsPerSecond,
      livePropagationMs: live.propagationMs,
    },
    bill: {
      totalUsd: bill.totalUsd,
      fixedUsd: bill.fixedUsd,
      historyRescansUsd: bill.historyRescansUsd,
      items: bill.items.filter((i) => i.usd > 0).map(({ item, usd, share }) => ({ item, usd, share })),
    },
  };
}
