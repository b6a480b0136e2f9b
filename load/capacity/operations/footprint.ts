/**
 * What one occurrence of an operation uses, and the measured and estimated constants the
 * footprints share. An operation names the worker entry points it prices (`serves`): the
 * API routes as the OpenAPI document writes them (`post /api/shake/{requestId}`), `queue`
 * for a consumer, `cron`, `alarm <Class>`; test/operations/cost-operations.test.ts fails when an
 * entry point the worker serves has no line.
 */
import type { Usage } from "../prices.ts";
import type { DeploymentInputs } from "../shows.ts";

export interface Operation {
  name: string;
  count: number;
  /** What one occurrence uses of each meter. */
  per: Partial<Usage>;
  /** Runs whatever the audience does (the minute cron): with the plan, the bill's fixed part. */
  standing?: true;
  /** Reads rows in proportion to everything the night wrote (issue #26 replaces these with running totals). */
  history?: true;
  /** The worker entry points whose work this line prices. */
  serves?: string[];
}

/**
 * Server CPU per request measured by `npm run bench` on a quiet machine before issue 28's
 * harness fixes (docs/performance.md's history, "Quiet machine, final run"; its open-settle
 * then timed opens refused with a 400), in ms, until a quiet `npm run bench:docs` run gives
 * the figures of record. The bench reads the CPU of the whole workerd process, so routes that
 * reach an object, the queue or the ledger include their work too: an upper bound for the
 * Worker's billed CPU. Routes the bench does not run are priced at the nearest scenario.
 */
export const BENCH_CPU_MS = {
  /** get-time: the Hono app and its guards, with no session, body or decision. */
  getTime: 0.104,
  /** shake-lottery: a shake decided at the edge. */
  shake: 0.154,
  /** claims-all-shards: a candidate shake, its shard call and the shard's transaction. */
  claim: 0.469,
  /** open-settle: an open, its queue message and its ledger credit. */
  openSettle: 0.442,
  /** grab: a share grabbed from a group envelope. */
  grab: 0.551,
} as const;

/** SQLite rows written per event, each index entry counted as a row (D1's documented rule, which Durable Objects follow). */
export const ROWS_WRITTEN = {
  /** envelopes: the row, its TEXT primary key, envelopes_pool, its pool's stock total (pool-shard/totals.ts); written at load, again when taken (DELETE, and the envelopes-in-two-places count). */
  envelope: 4,
  /** claims: the row, claim_id, envelope_id (UNIQUE), claims_user, claims_pool; its pool's issued total, the two-places count, the owner's two holdings rows with their index entries. */
  claim: 11,
  /** requests (WITHOUT ROWID): the kept answer of a candidate that won nothing. */
  answer: 1,
  /** claim_state (WITHOUT ROWID), once per step: opened, enqueued, settled; and its pool's total of that step. */
  claimStateStep: 2,
  /** phase_windows per armed window and arming: DELETE and INSERT, row and primary key. */
  armedWindow: 4,
  /** LedgerPartition per credit: the ledger row with entry_id, claim_id, ledger_user, ledger_pool, the wallet upsert (row, key), ledger_totals and wallet_totals. */
  ledgerCredit: 9,
  /** GroupEnvelope per grab: grabs and outbox rows with their keys, the grabs' totals (grab-totals.ts), the outbox delete, the alarm, the registry due time it noted. */
  grab: 9,
  /** Per group envelope made: its envelope row, its grabs' totals row, its alarm, the seed claim's mark on the shard. */
  groupObject: 4,
  /** D1 per group envelope: group_envelopes row, group_id, source_ref (UNIQUE), the status, unsettled and due-time indexes. */
  groupRegistry: 6,
  /** D1 per due time moved (a grab's note, a repair visit's next due time): the row and its due-time index entry, out and in. */
  groupDue: 3,
} as const;

/** Bytes one row takes with its index entries (estimates from the schemas; the ledger's measured by `npm run bench:ledger`). */
export const BYTES = {
  envelope: 150,
  /** A claims row and its claim_state row. */
  claim: 450,
  answer: 120,
  /** A ledger row and its wallet row with their indexes (docs/capacity.md, "The ledger"). */
  ledgerCredit: 300,
  /** A settlement message's claim, and the queue's own metadata per message. */
  messageClaim: 300,
  messageMetadata: 100,
  /** The published timeline (the public view of a running order of a dozen phases). */
  publishedTimeline: 4_000,
} as const;

/** Queues bill one operation per 64 KB (1 KB = 1,000 bytes) written, read or deleted. */
export const QUEUE_CHUNK_BYTES = 64_000;

/** Custom log lines (src/ops/log.ts) as ingested gigabytes. */
export const logLines = (lines: number, d: DeploymentInputs): Partial<Usage> => ({ logsIngestedGb: (lines * d.logLineBytes) / 1e9 });

/** GB-months for `bytes` kept `days` days. */
export const gbMonths = (bytes: number, days: number) => (bytes / 1e9) * (days / 30);

/** Expected distinct objects among `calls` calls spread evenly over `objects`. */
export const distinct = (objects: number, calls: number) => objects * (1 - (1 - 1 / objects) ** calls);
