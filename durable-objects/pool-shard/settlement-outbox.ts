/**
 * SettlementOutbox: the one producer of claim settlement messages. Every claim of a shard
 * reaches the settlement queue from here, as a few messages of many claims each
 * (claimMessages), marked enqueued in its settlement state (claim-state.ts) once sent.
 *
 * Opened claims: opening one only marks it opened and makes sure the shard's alarm fires
 * within FLUSH_DELAY_MS; the alarm sends every opened claim not yet enqueued that is final
 * (claim-state.ts), and fires again when the next one becomes final. A failed send
 * leaves them unenqueued and the alarm retries with backoff; alarms survive restarts, so an
 * opened claim always reaches the queue. The sweeps the worker runs across shards (unopened
 * claims of closed phases, stale and dead-lettered claims) send through `send` too. Sending
 * twice is harmless: the ledger credits a claim once.
 */
import { claimMessages, retryDelaySeconds } from "../../src/domain/settlement";
import type { SettlementClaim } from "../../src/wire/index";
import * as claimState from "./claim-state";

/** How long opened claims gather before one flush carries them to the queue. */
const FLUSH_DELAY_MS = 250;

export class SettlementOutbox {
  #storage: DurableObjectStorage;
  #queue: Queue;
  #shard: () => number;
  /** When an alarm is known to be set for a flush; memory only. */
  #armedAt: number | null = null;
  /** Consecutive failed sends, for the retry backoff (memory only). */
  #failedSends = 0;

  constructor(storage: DurableObjectStorage, queue: Queue, shard: () => number) {
    this.#storage = storage;
    this.#queue = queue;
    this.#shard = shard;
  }

  /** Makes sure an alarm fires within FLUSH_DELAY_MS to send newly opened claims. */
  async armFlush(now: number): Promise<void> {
    await this.armBy(now + FLUSH_DELAY_MS);
  }

  /**
   * On the alarm: sends every opened, unenqueued claim that is final in batches, and sets the
   * alarm for the next one to become final; on a failed send, retries by alarm.
   */
  async flush(now: number): Promise<void> {
    this.#armedAt = null;
    try {
      await this.send(() => claimState.openedUnenqueued(this.#storage.sql, now), now);
      const next = claimState.nextFinalAt(this.#storage.sql, now);
      if (next !== null) await this.armBy(next);
    } catch (err) {
      this.#failedSends += 1;
      console.warn("settlement send failed; retrying by alarm", String(err));
      await this.armBy(now + retryDelaySeconds(this.#failedSends) * 1000);
    }
  }

  /** Makes sure the alarm fires by `at` (the shard's deep check shares it: each task is safe to run early). */
  async armBy(at: number): Promise<void> {
    if (this.#armedAt !== null && this.#armedAt <= at) return;
    const current = await this.#storage.getAlarm();
    if (current === null || current > at) await this.#storage.setAlarm(at);
    this.#armedAt = Math.min(at, current ?? at);
  }

  /** Sends every page `page` hands out until it hands out none (each page is marked enqueued once sent); returns how many. */
  async send(page: () => SettlementClaim[], now: number): Promise<number> {
    let total = 0;
    for (let claims = page(); claims.length > 0; claims = page()) {
      await this.#queue.sendBatch(claimMessages(this.#shard(), claims).map((body) => ({ body })));
      this.#failedSends = 0;
      this.#storage.transactionSync(() =>
        claimState.markEnqueued(
          this.#storage.sql,
          claims.map((c) => c.claimId),
          now,
        ),
      );
      total += claims.length;
    }
    return total;
  }
}
