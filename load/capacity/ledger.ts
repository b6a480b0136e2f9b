/**
 * The money path at gala scale: ledger partitions, the settlement queue with batched
 * messages, and the time from open to wallet. Pure arithmetic; the per-partition write rate
 * and the bytes per credit come from `npm run bench:ledger` (one SQLite-backed object on
 * this machine), the limits from the platform's published figures.
 */

export interface LedgerInputs {
  /** Credits per second into the ledger at the peak (envelopes plus group grabs and refunds). */
  creditsPerSecond: number;
  /** Credits written over the whole night. */
  creditsPerNight: number;
  /** Bytes one credit takes in a partition: its ledger row, its wallet row, the indexes. */
  bytesPerCredit: number;
  /** Credits one partition writes per second in batches (measured by `npm run bench:ledger`). */
  partitionCreditsPerSecond: number;
  /** A partition's storage limit (SQLite-backed Durable Object: 10 GB). */
  partitionSizeLimitBytes: number;
  /** Share of a partition's rate and size the plan may use (headroom for skew). */
  utilisation: number;
  /** Pool shards, each flushing its opened claims as messages. */
  shards: number;
  /** How often a shard flushes opened claims to the queue. */
  shardFlushMs: number;
  /** Messages per second one queue delivers (Cloudflare Queues: about 5,000). */
  perQueueMessagesPerSecond: number;
  /** The consumer's max_batch_timeout: a batch waits at most this long to fill. */
  consumerBatchTimeoutMs: number;
  /** Messages per consumer batch (max_batch_size). */
  consumerBatchMessages: number;
}

export const REFERENCE_LEDGER: LedgerInputs = {
  creditsPerSecond: 50_000,
  creditsPerNight: 100_000_000,
  bytesPerCredit: 300,
  partitionCreditsPerSecond: 7_800,
  partitionSizeLimitBytes: 10 * 1024 ** 3,
  utilisation: 0.5,
  shards: 128,
  shardFlushMs: 250,
  perQueueMessagesPerSecond: 5_000,
  consumerBatchTimeoutMs: 1_000,
  consumerBatchMessages: 50,
};

export interface LedgerPlan {
  /** Fewest partitions that keep each under the planned share of its write rate. */
  partitionsForRate: number;
  /** Fewest partitions that keep each under the planned share of its size after the night. */
  partitionsForSize: number;
  /** The larger of the two, rounded up to a power of two (LEDGER_PARTITIONS). */
  partitions: number;
  perPartitionCreditsPerSecond: number;
  perPartitionRateShare: number;
  perPartitionBytes: number;
  perPartitionSizeShare: number;
  /** Claims one shard message carries at the peak (a shard's opened claims per flush). */
  claimsPerMessage: number;
  messagesPerSecond: number;
  queuesNeeded: number;
  perQueueShare: number;
  /** Credits one partition receives per consumer batch (the consumer groups by partition). */
  creditsPerPartitionWrite: number;
  /** Worst case at the peak: flush wait + batch wait + the partition write. */
  openToWalletSeconds: number;
}

const powerOfTwoAtLeast = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export function planLedger(l: LedgerInputs, partitionCount?: number): LedgerPlan {
  const partitionsForRate = Math.ceil(l.creditsPerSecond / (l.partitionCreditsPerSecond * l.utilisation));
  const nightBytes = l.creditsPerNight * l.bytesPerCredit;
  const partitionsForSize = Math.ceil(nightBytes / (l.partitionSizeLimitBytes * l.utilisation));
  const partitions = partitionCount ?? powerOfTwoAtLeast(Math.max(partitionsForRate, partitionsForSize));
  const perPartitionCreditsPerSecond = l.creditsPerSecond / partitions;
  const flushesPerSecond = 1_000 / l.shardFlushMs;
  const claimsPerMessage = Math.max(1, l.creditsPerSecond / l.shards / flushesPerSecond);
  const messagesPerSecond = l.creditsPerSecond / claimsPerMessage;
  const queuesNeeded = Math.max(1, Math.ceil(messagesPerSecond / (l.perQueueMessagesPerSecond * l.utilisation)));
  const creditsPerConsumerBatch = l.consumerBatchMessages * claimsPerMessage;
  const creditsPerPartitionWrite = Math.max(1, creditsPerConsumerBatch / partitions);
  const writeSeconds = creditsPerPartitionWrite / l.partitionCreditsPerSecond;
  return {
    partitionsForRate,
    partitionsForSize,
    partitions,
    perPartitionCreditsPerSecond,
    perPartitionRateShare: perPartitionCreditsPerSecond / l.partitionCreditsPerSecond,
    perPartitionBytes: nightBytes / partitions,
    perPartitionSizeShare: nightBytes / partitions / l.partitionSizeLimitBytes,
    claimsPerMessage,
    messagesPerSecond,
    queuesNeeded,
    perQueueShare: messagesPerSecond / queuesNeeded / l.perQueueMessagesPerSecond,
    creditsPerPartitionWrite,
    openToWalletSeconds: l.shardFlushMs / 1_000 + l.consumerBatchTimeoutMs / 1_000 + writeSeconds,
  };
}
