/**
 * What a whole show uses of each billed meter (prices.ts), from its audience and the
 * deployment's settings: pure arithmetic, no I/O. A show is a list of operations (a shake, a
 * timeline poll, an open, a minute of the show clock, …), each with a count and what one
 * occurrence costs on each meter; the footprints are read off the code paths named beside
 * them and are estimates, not measurements, except the CPU figures.
 */
import type { Usage } from "./prices.ts";
import type { DeploymentInputs, ShowInputs } from "./shows.ts";

/**
 * Server CPU per request measured by `npm run bench` (docs/performance.md, "Quiet machine,
 * final run"), in ms. The bench reads the CPU of the whole workerd process, so routes that
 * reach an object, the queue or D1 include their work too: an upper bound for the Worker's
 * billed CPU. Routes the bench does not run are priced at the nearest scenario (see `operations`).
 */
const BENCH_CPU_MS = {
  /** get-time: the Hono app and its guards, with no session, body or decision. */
  getTime: 0.104,
  /** shake-lottery: a shake decided at the edge. */
  shake: 0.154,
  /** claims-all-shards: a candidate shake, its shard call and the shard's transaction. */
  claim: 0.469,
  /** open-settle: an open, its queue message and its D1 credit. */
  openSettle: 0.442,
  /** grab: a share grabbed from a group envelope. */
  grab: 0.551,
} as const;

/** SQLite rows written per event, each index entry counted as a row (D1's documented rule). */
const ROWS_WRITTEN = {
  /** envelopes: the row, its TEXT primary key, envelopes_pool; written at load, again when taken (DELETE). */
  envelope: 3,
  /** claims: the row, claim_id, envelope_id (UNIQUE), claims_user, claims_pool. */
  claim: 5,
  /** requests (WITHOUT ROWID): the kept answer of a candidate that won nothing. */
  answer: 1,
  /** claim_state (WITHOUT ROWID), once per step: opened, enqueued, settled. */
  claimStateStep: 1,
  /** phase_windows per armed window and arming: DELETE and INSERT, row and primary key. */
  armedWindow: 4,
  /** D1 per credit: the ledger row with entry_id, claim_id, ledger_user, ledger_pool, and the wallet upsert (row, key). */
  ledgerCredit: 7,
  /** GroupEnvelope per grab: grabs and outbox rows with their keys, the outbox delete, the alarm. */
  grab: 7,
  /** Per group envelope made: its envelope row, its alarm, the seed claim's mark on the shard. */
  groupObject: 3,
  /** D1 per group envelope: group_envelopes row, group_id, source_ref (UNIQUE), status index. */
  groupRegistry: 4,
} as const;

/** Bytes one row takes with its index entries (estimates from the schemas). */
const BYTES = {
  envelope: 150,
  /** A claims row and its claim_state row. */
  claim: 450,
  answer: 120,
  /** A ledger row with its four index entries. */
  ledgerRow: 400,
  /** A settlement message's claim, and the queue's own metadata per message. */
  messageClaim: 300,
  messageMetadata: 100,
} as const;

/** Queues bill one operation per 64 KB (1 KB = 1,000 bytes) written, read or deleted. */
const QUEUE_CHUNK_BYTES = 64_000;
/** A Durable Object is billed as 128 MB while in memory. */
const DO_GB = 0.128;
/**
 * Wall time billed per object call (assumed): objects hold no WebSockets or timers, so they
 * may hibernate between calls. An upper bound at the peak, where concurrent calls share it.
 */
const DO_CALL_SECONDS = 0.01;
/** Claims a phase-close sweep page enqueues (src/settlement.ts SEND_BATCH). */
const SWEEP_PAGE = 100;

export interface Operation {
  name: string;
  count: number;
  /** What one occurrence uses of each meter. */
  per: Partial<Usage>;
  /** Runs whatever the audience does (the minute cron): with the plan, the bill's fixed part. */
  standing?: true;
}

/** Expected distinct shards among `messages` messages spread evenly over `shards`. */
const distinctShards = (shards: number, messages: number) => shards * (1 - (1 - 1 / shards) ** messages);

/** GB-months for `bytes` kept `days` days. */
const gbMonths = (bytes: number, days: number) => (bytes / 1e9) * (days / 30);

/** Shakes over the whole show: every phone shakes at the client's interval while it shakes. */
export const shakesOf = (s: ShowInputs) => (s.viewers * s.shakingSecondsPerViewer * 1_000) / s.shakeIntervalMs;

/** Every billed operation of the show, with its count and per-occurrence footprint. */
export function operations(s: ShowInputs, d: DeploymentInputs): Operation[] {
  const shakes = shakesOf(s);
  const candidates = Math.min(shakes, (s.envelopes / d.candidateWinShare) * d.candidateRateFactor);
  const issued = Math.min(s.envelopes, candidates * d.candidateWinShare);
  const opened = issued * s.openShare;
  const messages = issued / d.claimsPerMessage;
  const batches = messages / d.queueBatchSize;
  const groups = issued * s.groupShare;
  const grabs = groups * s.grabsPerGroup;
  const pageSeconds = s.viewers * s.pageOpenMinutes * 60;
  const showSeconds = s.showHours * 3_600;
  const minutesAfter = d.daysAfter * 1_440;
  const cronMinutes = (d.daysBefore + d.daysAfter) * 1_440 + showSeconds / 60;
  const shakesPerFlush = (d.perIsolateShakesPerSecond * d.statsFlushMs) / 1_000;
  const queueOpsPerMessage = 3 * Math.ceil((BYTES.messageMetadata + d.claimsPerMessage * BYTES.messageClaim) / QUEUE_CHUNK_BYTES);
  const viewerRequests = shakes + pageSeconds / d.timelinePollSeconds + s.viewers;
  const ae = { analyticsDataPoints: d.analyticsPointsPerShake };
  const candidate = { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.claim, doRequests: 1 / d.candidatesPerShardCall, ...ae };
  return [
    // src/routes/shake.ts: decided at the edge from the cached timeline.
    {
      name: "shake answered at the edge",
      count: shakes - candidates,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.shake, ...ae },
    },
    // claimPaced: reads the user's claims, takes an envelope (DELETE … RETURNING), writes the claim.
    {
      name: "candidate that won an envelope",
      count: issued,
      per: {
        ...candidate,
        doRowsRead: 5,
        doRowsWritten: ROWS_WRITTEN.envelope + ROWS_WRITTEN.claim,
        doStoredGbMonths: gbMonths(BYTES.claim, d.daysAfter),
      },
    },
    {
      name: "candidate that won nothing",
      count: candidates - issued,
      per: {
        ...candidate,
        doRowsRead: 4,
        doRowsWritten: ROWS_WRITTEN.answer,
        doStoredGbMonths: gbMonths(BYTES.answer, d.daysAfter),
      },
    },
    // loadPool, then #issuedSoFar: each live phase's stock and issued rows counted once a second.
    {
      name: "envelope loaded and paced",
      count: s.envelopes,
      per: {
        doRowsWritten: ROWS_WRITTEN.envelope,
        doRowsRead: s.lotteryPhaseSeconds,
        doStoredGbMonths: gbMonths(BYTES.envelope, d.daysBefore),
      },
    },
    // src/shake-stats.ts: each isolate, once per STATS_FLUSH_MS, one call per shard it saw shakes for.
    {
      name: "shake statistics flush (per shard)",
      count: shakes * Math.min(1, d.shards / shakesPerFlush),
      per: { doRequests: 1, doRowsRead: 1, doRowsWritten: 1 },
    },
    // src/timeline-cache.ts, colo-cache.ts: one refresh per location per TTL, only where requests arrive.
    {
      name: "timeline object read",
      count: Math.min(viewerRequests, (d.colos * showSeconds * 1_000) / d.timelineTtlMs),
      per: { doRequests: 1 },
    },
    // static-assets/js/app.js: GET /api/timeline every 5 s, GET /api/time (3 samples) every minute;
    // neither is benched, both are priced as get-time.
    {
      name: "timeline poll (viewer page)",
      count: pageSeconds / d.timelinePollSeconds,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.getTime },
    },
    {
      name: "clock sample (viewer page)",
      count: (s.viewers + pageSeconds / d.clockResyncSeconds) * d.clockSamples,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.getTime },
    },
    { name: "session", count: s.viewers, per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.getTime } },
    { name: "static asset", count: s.viewers * s.assetRequestsPerViewer, per: { staticAssetRequests: 1 } },
    // src/routes/envelopes.ts: openClaim and markEnqueued on the shard, the message sent after the answer.
    {
      name: "envelope opened",
      count: opened,
      per: {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.openSettle,
        doRequests: 2,
        doRowsRead: 3,
        doRowsWritten: 2 * ROWS_WRITTEN.claimStateStep,
      },
    },
    // src/settlement.ts settleClosedPhases: unopened claims enqueued page by page.
    {
      name: "unopened envelope swept",
      count: issued - opened,
      per: { doRequests: 2 / SWEEP_PAGE, doRowsRead: 2, doRowsWritten: ROWS_WRITTEN.claimStateStep },
    },
    { name: "settlement message", count: messages, per: { queueOperations: queueOpsPerMessage } },
    // src/settlement-consumer.ts: one D1 batch per consumer batch, then markSettled once per shard in it.
    {
      name: "settlement consumer batch",
      count: batches,
      per: { workerRequests: 1, doRequests: distinctShards(d.shards, Math.min(d.queueBatchSize, messages)) },
    },
    {
      name: "claim credited to the ledger",
      count: issued,
      per: {
        doRowsRead: 2,
        doRowsWritten: ROWS_WRITTEN.claimStateStep,
        d1RowsRead: 4,
        d1RowsWritten: ROWS_WRITTEN.ledgerCredit,
        d1StoredGbMonths: gbMonths(BYTES.ledgerRow, d.daysAfter),
      },
    },
    // src/routes/wallet.ts: the user's claims on their shard and their ledger rows; priced as open-settle.
    {
      name: "wallet read",
      count: issued * s.walletReadsPerWinner,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.openSettle, doRequests: 1, doRowsRead: 4, d1RowsRead: 5 },
    },
    {
      name: "group envelope made",
      count: groups,
      per: {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.grab,
        doRequests: 2,
        doRowsWritten: ROWS_WRITTEN.groupObject,
        d1RowsWritten: ROWS_WRITTEN.groupRegistry,
      },
    },
    // durable-objects/group-envelope.ts: the grab, then its credit leaves through the outbox alarm and the queue.
    {
      name: "group share grabbed",
      count: grabs,
      per: {
        workerRequests: 1 + 1 / d.queueBatchSize,
        workerCpuMs: BENCH_CPU_MS.grab,
        doRequests: 2,
        doRowsWritten: ROWS_WRITTEN.grab,
        queueOperations: 3,
        d1RowsRead: 4,
        d1RowsWritten: ROWS_WRITTEN.ledgerCredit,
      },
    },
    // src/index.ts scheduled(): the show clock ticks, reads the timeline twice and arms every shard.
    {
      name: "show clock minute (cron)",
      standing: true,
      count: cronMinutes,
      per: {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.getTime,
        doRequests: 3 + d.shards,
        doRowsRead: d.shards,
        doRowsWritten: d.shards * s.lotteryPhases * ROWS_WRITTEN.armedWindow,
      },
    },
    // src/settlement.ts: after the show every minute asks every shard for unenqueued claims of ended phases,
    // and unenqueuedClaims scans each claim of those phases with its claim_state row to find none.
    { name: "phase-close sweep minute after the show", standing: true, count: minutesAfter, per: { doRequests: d.shards } },
    { name: "claim rescanned by the sweep after the show", count: issued, per: { doRowsRead: 2 * minutesAfter } },
  ];
}

const ZERO: Usage = {
  workerRequests: 0,
  workerCpuMs: 0,
  doRequests: 0,
  doGbSeconds: 0,
  doRowsRead: 0,
  doRowsWritten: 0,
  doStoredGbMonths: 0,
  queueOperations: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  d1StoredGbMonths: 0,
  analyticsDataPoints: 0,
  logsIngestedGb: 0,
  logsStoredGbMonths: 0,
  staticAssetRequests: 0,
};

/**
 * The operations summed per meter, plus what follows from the sums: object duration
 * (DO_CALL_SECONDS per call) and Workers Logs (one invocation log per sampled Worker or
 * Durable Object invocation, kept for the retention period).
 */
function usageOf(ops: readonly Operation[], d: DeploymentInputs): Usage {
  const total = { ...ZERO };
  for (const op of ops) {
    for (const [meter, amount] of Object.entries(op.per) as [keyof Usage, number][]) total[meter] += op.count * amount;
  }
  total.doGbSeconds = total.doRequests * DO_CALL_SECONDS * DO_GB;
  total.logsIngestedGb = ((total.workerRequests + total.doRequests) * d.logSampleRate * d.logEventBytes) / 1e9;
  total.logsStoredGbMonths = (total.logsIngestedGb * d.logRetentionDays) / 30;
  return total;
}

export const showUsage = (s: ShowInputs, d: DeploymentInputs): Usage => usageOf(operations(s, d), d);

/** What the deployment uses around the show whatever the audience does. */
export const standingUsage = (s: ShowInputs, d: DeploymentInputs): Usage =>
  usageOf(
    operations(s, d).filter((op) => op.standing),
    d,
  );
