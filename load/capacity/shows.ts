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
  /** Minutes an average phone keeps the page open; it polls the timeline and the clock all the while. */
  pageOpenMinutes: number;
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
}

export interface DeploymentInputs extends Pick<
  GalaInputs,
  "candidateWinShare" | "colos" | "perIsolateShakesPerSecond" | "timelineTtlMs" | "claimsPerMessage"
> {
  shards: number;
  /** How often an isolate flushes its shake counts to the shards (STATS_FLUSH_MS). */
  statsFlushMs: number;
  /** Multiple of the candidate rate that just issues the envelopes (1: the planned rate). */
  candidateRateFactor: number;
  /** Candidates one shard call serves: 1 today, more with edge leases handing out a lease's envelopes. */
  candidatesPerShardCall: number;
  /** Messages per consumer batch (max_batch_size of the production consumer). */
  queueBatchSize: number;
  /** The viewer page's timers (static-assets/js/app.js, clock.js). */
  timelinePollSeconds: number;
  clockResyncSeconds: number;
  clockSamples: number;
  /** Days the deployment runs before the show (pools loaded, rehearsals) and after it (audit, stragglers). */
  daysBefore: number;
  daysAfter: number;
  /** Analytics Engine data points written per shake answer. */
  analyticsPointsPerShake: number;
  /** Workers Logs: share of invocations logged (head_sampling_rate), bytes per invocation log, retention. */
  logSampleRate: number;
  logEventBytes: number;
  logRetentionDays: number;
}

/** The 2015 gala: 11 billion shakes, a 14 M/s peak, on the order of 100 million envelopes. */
export const REFERENCE_SHOW: ShowInputs = {
  name: "reference gala",
  viewers: 200_000_000, // assumed: phones taking part
  pageOpenMinutes: 60, // assumed
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
  assetRequestsPerViewer: 33, // 22 shell files (sw.js), the page, the resource manifest and its 9 files
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
};

/** The production settings (wrangler.toml [env.production]) and the observability assumptions. */
export const PRODUCTION_DEPLOYMENT: DeploymentInputs = {
  candidateWinShare: REFERENCE_GALA.candidateWinShare,
  colos: REFERENCE_GALA.colos,
  perIsolateShakesPerSecond: REFERENCE_GALA.perIsolateShakesPerSecond,
  timelineTtlMs: REFERENCE_GALA.timelineTtlMs,
  claimsPerMessage: REFERENCE_GALA.claimsPerMessage,
  shards: 128, // SHARD_COUNT
  statsFlushMs: 5_000, // STATS_FLUSH_MS
  candidateRateFactor: 1,
  candidatesPerShardCall: 1,
  queueBatchSize: 100, // [[env.production.queues.consumers]] max_batch_size
  timelinePollSeconds: 5, // TIMELINE_POLL_MS
  clockResyncSeconds: 60, // CLOCK_RESYNC_MS
  clockSamples: 3, // measureOffsetMs
  daysBefore: 7, // assumed
  daysAfter: 7, // assumed
  analyticsPointsPerShake: 1, // assumed until the Analytics Engine change lands
  logSampleRate: 0.01, // assumed head_sampling_rate (wrangler's default is 1)
  logEventBytes: 1_000, // assumed size of an invocation log with its metadata
  logRetentionDays: 7, // Workers Logs retention
};
