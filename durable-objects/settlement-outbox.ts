/**
 * SettlementOutbox: how a pool shard sends its opened claims to the settlement queue.
 *
 * Responsible for: batching. Opening a claim only marks it opened (claim-state.ts) and makes
 * sure the shard's alarm fires within FLUSH_DELAY_MS; the alarm sends every opened claim not
 * yet enqueued as a few messages of many claims each (claimMessages), then marks them
 * enqueued. A failed send leaves them unenqueued and the alarm retries with backoff; alarms
 * survive restarts, so an opened claim always reaches the queue. Sending twice is harmless:
 * the ledger credits a claim once.
 */
import { claimMessages, retryDelaySeconds } from "../src/domain/settlement";
import * as claimState from "./claim-state";

/** How long opened claims gather before one flush carries them to the queue. */
const FLUSH_DELAY_MS = 250;

export class SettlementOutbox {
  #storage: DurableObjectStorage;
  #queue: Queue;
  #shard: () => number;
  /** An alarm is known to be set for a flush; memory only. */
  #armed = false;
  /** Consecutive failed sends, for the retry backoff (memory only). */
  #failedSends = 0;

  constructor(storage: DurableObjectStorage, queue: Queue, shard: () => number) {
    this.#storage = storage;
    this.#queue = queue;
    this.#shard = shard;
  }

  /** Makes sure an alarm fires within FLUSH_DELAY_MS to send newly opened claims. */
  async armFlush(now: number): Promise<void> {
    if (this.#armed) return;
    const current = await this.#storage.getAlarm();
    if (current === null || current > now + FLUSH_DELAY_MS) await this.#storage.setAlarm(now + FLUSH_DELAY_MS);
    this.#armed = true;
  }

  /** On the alarm: sends every opened, unenqueued claim in batches; re-arms while any are left. */
  async flush(now: number): Promise<void> {
    this.#armed = false;
    const sql = this.#storage.sql;
    for (let claims = claimState.openedUnenqueued(sql); claims.length > 0; claims = claimState.openedUnenqueued(sql)) {
      try {
        await this.#queue.sendBatch(claimMessages(this.#shard(), claims).map((body) => ({ body })));
      } catch (err) {
        this.#failedSends += 1;
        console.warn("settlement send failed; retrying by alarm", String(err));
        await this.#storage.setAlarm(now + retryDelaySeconds(this.#failedSends) * 1000);
        this.#armed = true;
        return;
      }
      this.#failedSends = 0;
      this.#storage.transactionSync(() =>
        claimState.markEnqueued(
          sql,
          claims.map((c) => c.claimId),
          now,
        ),
      );
    }
  }
}
