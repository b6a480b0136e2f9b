/**
 * The shows the cost model prices: who watches, how they shake, what the sponsors hand out
 * (ShowInputs), and the deployment's settings that turn that into billed work
 * (DeploymentInputs). Figures marked "assumed" are not measured anywhere; change them here.
 */
import { REFERENCE_GALA, type GalaInputs } from "./model.ts";

export interface ShowInputs {
  name: string;
  /** Phones that open the shake page during the show. */
  viewers: number;
  /** Minutes an average phone keeps the page open; it reads the published timeline all the while. */
  pageOpenMinutes: number;
  /** Times an average phone opens the page (each opening asks the Worker for the timeline once). */
  pageOpensPerViewer: number;
  /** Seconds an average phone spends shaking, at the client's interval. */
  shakingSecondsPerViewer: number;
  /** Spacing the client keeps between shakes (the throttle hint at level 0). */
  shakeIntervalMs: number;
  /** Peak shakes per second (sizes the own-servers comparison only). */
  peakShakesPerSecond: number;
  /** Envelopes the sponsors hand out over the show. */
  envelopes: number;
  /** Lottery phases in the running order, and their average length. */
  lotteryPhases: number;
  lotteryPhaseSeconds: number;
  /** From the first phase to the last. */
  showHours: number;
  /** Share of won envelopes their winner opens (the phase-close sweep settles the rest). */
  openShare: number;
  /** Wallet reads per winner (the wallet polls every 2 s while money is on its way). */
  walletReadsPerWinner: number;
  /** Share of winners who split their envelope into a group envelope, and shares grabbed from each. */
  groupShare: number;
  grabsPerGroup: number;
  /** Static files a phone fetches: the shell, the resource manifest and packages, the page. */
  assetRequestsPerViewer: number;
  /** Timeline versions written over the night (edits, live overrides): each is published once. */
  timelineVersions: number;
  /** Operator consoles open through the show (each polls statistics, alerts and the audit). */
  operatorConsoles: number;
  /** Other operator requests over the night (timeline reads, verification, log, repairs, estimates). */
  operatorRequests: number;
  /** Sponsor pools per lottery phase (each registered and loaded onto every shard). */
  poolsPerPhase: number;
}

export interface DeploymentInputs extends Pick<GalaInputs, "candidateWinShare" | "colos" | "perIsolateShakesPerSecond" | "timelineTtlMs"> {
  shards: number;
  /** LedgerPartition objects (LEDGER_PARTITIONS). */
  ledgerPartitions: number;
  /** How often an isolate flushes its shake counts to the shards (STATS_FLUSH_MS). */
  statsFlushMs: number;
  /** Multiple of the candidate rate that just issues the envelopes (1: the planned rate). */
  candidateRateFactor: number;
  /** Candidates one shard call serves: 1 today, more with edge leases handing out a lease's envelopes. */
  candidatesPerShardCall: number;
  /** Messages per consumer batch (max_batch_size of the production consumer). */
  queueBatchSize: number;
  /** How long a shard gathers opened claims before one message carries them (settlement-outbox.ts FLUSH_DELAY_MS). */
  settlementFlushMs: number;
  /** How often the page reads the published timeline (LIVE_POLL_MS; it reads every pollMs − 1 s to pollMs). */
  livePollMs: number;
  /** How long Cloudflare's cache keeps one published copy (LIVE_MAX_AGE_S). */
  liveMaxAgeS: number;
  /**
   * Where the page reads the published timeline: "cache" (a public bucket behind Cloudflare's
   * cache, as built), or "worker" (every read runs the Worker: the design before issue 31).
   */
  liveReads: "cache" | "worker";
  /** Days the deployment runs before the show (pools loaded, rehearsals) and after it (audit, stragglers). */
  daysBefore: number;
  daysAfter: number;
  /** Analytics Engine data points written per shake answer. */
  analyticsPointsPerShake: number;
  /**
   * Workers Logs: share of invocations kept (head_sampling_rate), whether each invocation
   * also writes its invocation log (invocation_logs), bytes per invocation log and per
   * custom line (src/ops/log.ts), retention.
   */
  logSampleRate: number;
  invocationLogs: boolean;
  logEventBytes: number;
  logLineBytes: number;
  logRetentionDays: number;
}

/** The 2015 gala: 11 billion shakes, a 14 M/s peak, on the order of 100 million envelopes. */
export const REFERENCE_SHOW: ShowInputs = {
  name: "reference gala",
  viewers: 200_000_000, // assumed: phones taking part
  pageOpenMinutes: 60, // assumed
  pageOpensPerViewer: 2, // assumed
  shakingSecondsPerViewer: 55, // 11 billion shakes / 200 million phones at one shake a second
  shakeIntervalMs: 1_000, // THROTTLE_LEVELS[0]
  peakShakesPerSecond: REFERENCE_GALA.peakShakesPerSecond,
  envelopes: 100_000_000,
  lotteryPhases: 8, // assumed
  lotteryPhaseSeconds: 300, // assumed
  showHours: 4.5,
  openShare: 0.9, // assumed
  walletReadsPerWinner: 3, // assumed
  groupShare: 0.05, // assumed
  grabsPerGroup: 5, // assumed
  assetRequestsPerViewer: 34, // 23 shell files (sw.js), the page, the resource manifest and its 9 files
  timelineVersions: 100, // assumed: a running order edited live through the night
  operatorConsoles: 3, // assumed
  operatorRequests: 500, // assumed
  poolsPerPhase: 2, // assumed: two sponsors per lottery phase
};

/** One million viewers for two hours, with the reference gala's habits. */
export const SMALL_SHOW: ShowInputs = {
  ...REFERENCE_SHOW,
  name: "small show",
  viewers: 1_000_000,
  shakingSecondsPerViewer: 60, // assumed
  peakShakesPerSecond: 400_000, // assumed: 40 % of the phones shaking at once
  envelopes: 500_000, // half an envelope per phone, as in the reference
  lotteryPhases: 4, // assumed
  showHours: 2,
  timelineVersions: 30, // assumed
  operatorConsoles: 2, // assumed
  operatorRequests: 200, // assumed
};

/** The production settings (wrangler.toml [env.production]) and the observability assumptions. */
export const PRODUCTION_DEPLOYMENT: DeploymentInputs = {
  candidateWinShare: REFERENCE_GALA.candidateWinShare,
  colos: REFERENCE_GALA.colos,
  perIsolateShakesPerSecond: REFERENCE_GALA.perIsolateShakesPerSecond,
  timelineTtlMs: REFERENCE_GALA.timelineTtlMs,
  shards: 128, // SHARD_COUNT
  ledgerPartitions: 16, // LEDGER_PARTITIONS
  statsFlushMs: 5_000, // STATS_FLUSH_MS
  candidateRateFactor: 1,
  candidatesPerShardCall: 1,
  queueBatchSize: 100, // [[env.production.queues.consumers]] max_batch_size
  settlementFlushMs: 250, // durable-objects/settlement-outbox.ts FLUSH_DELAY_MS
  livePollMs: 5_000, // LIVE_POLL_MS
  liveMaxAgeS: 2, // LIVE_MAX_AGE_S
  liveReads: "cache",
  daysBefore: 7, // assumed
  daysAfter: 7, // assumed
  analyticsPointsPerShake: 1, // src/ops/metrics.ts recordShake: one data point per shake answer
  logSampleRate: 1, // [env.production.observability] head_sampling_rate: money lines are never sampled away
  invocationLogs: false, // [env.production.observability.logs] invocation_logs
  logEventBytes: 1_000, // assumed size of an invocation log with its metadata
  logLineBytes: 400, // assumed size of one JSON line (src/ops/log.ts) with its metadata
  logRetentionDays: 7, // Workers Logs retention
};
