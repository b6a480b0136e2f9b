/**
 * From an opened envelope to the wallet (docs/money-flow.md): the open marks the claim on its
 * shard, the shard's outbox alarm sends its opened claims as a few messages, the consumer
 * credits each batch to the ledger partitions (LedgerPartition objects, one write per
 * partition touched) and confirms them on their shards; wallets are read from a partition
 * and the viewer's shard.
 */
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, BYTES, distinct, gbMonths, logLines, QUEUE_CHUNK_BYTES, ROWS_WRITTEN, type Operation } from "./footprint.ts";

/** Claims a phase-close sweep page enqueues (durable-objects/claim-state.ts CLAIM_PAGE). */
const SWEEP_PAGE = 500;

export function settlementOperations(s: ShowInputs, d: DeploymentInputs, f: ShowFigures): Operation[] {
  const queueOpsPerMessage = 3 * Math.ceil((BYTES.messageMetadata + f.claimsPerMessage * BYTES.messageClaim) / QUEUE_CHUNK_BYTES);
  const perBatch = Math.min(d.queueBatchSize, f.messages);
  return [
    // src/routes/envelopes.ts: openClaim on the owner's shard (one transaction), the `open` money line.
    {
      name: "envelope opened",
      count: f.opened,
      per: {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.openSettle,
        doRequests: 1,
        doRowsRead: 3,
        doRowsWritten: ROWS_WRITTEN.claimStateStep,
        ...logLines(1, d),
      },
      serves: ["post /api/envelopes/{claimId}/open"],
    },
    // durable-objects/settlement-outbox.ts: the shard's alarm sends its opened claims (a message of many) and marks them enqueued.
    {
      name: "shard outbox flush (alarm)",
      count: f.messages,
      per: { doRequests: 1, doRowsRead: 2 * f.claimsPerMessage, doRowsWritten: ROWS_WRITTEN.claimStateStep * f.claimsPerMessage },
      serves: ["alarm PoolShard"],
    },
    // src/money/settlement-producer.ts settleClosedPhases: unopened claims of ended phases enqueued page by page.
    {
      name: "unopened envelope swept",
      count: f.issued - f.opened,
      per: { doRequests: 2 / SWEEP_PAGE, doRowsRead: 2, doRowsWritten: ROWS_WRITTEN.claimStateStep },
    },
    { name: "settlement message", count: f.messages, per: { queueOperations: queueOpsPerMessage } },
    // src/money/settlement-consumer.ts: one credit call per partition touched, then markSettled once per shard.
    {
      name: "settlement consumer batch",
      count: f.batches,
      per: { workerRequests: 1, doRequests: distinct(d.ledgerPartitions, perBatch * f.claimsPerMessage) + distinct(d.shards, perBatch) },
      serves: ["queue"],
    },
    // durable-objects/ledger-partition.ts credit; the claim's settled mark; a data point and the `settlement` money line.
    {
      name: "claim credited to its ledger partition",
      count: f.issued,
      per: {
        doRowsRead: 3,
        doRowsWritten: ROWS_WRITTEN.ledgerCredit + ROWS_WRITTEN.claimStateStep,
        doStoredGbMonths: gbMonths(BYTES.ledgerCredit, d.daysAfter),
        analyticsDataPoints: 1,
        ...logLines(1, d),
      },
    },
    // Dead letters are marked on their shards; none in a healthy night.
    { name: "dead-letter batch", count: 0, per: { workerRequests: 1, doRequests: 1 }, serves: ["queue"] },
    // src/routes/wallet.ts: the user's ledger rows from their partition and their claims from their shard.
    {
      name: "wallet read",
      count: f.issued * s.walletReadsPerWinner,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.openSettle, doRequests: 2, doRowsRead: 6 },
      serves: ["get /api/wallet"],
    },
  ];
}
