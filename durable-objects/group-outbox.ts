/**
 * GroupOutbox: the transactional outbox of one GroupEnvelope object.
 *
 * Responsible for: keeping every ledger credit the envelope owes (grabbed shares, the
 * refund) in the object's own SQLite, written in the same transaction as the grab or refund
 * that caused it, and handing them to the settlement queue from the object's alarm, many
 * credits per message. A credit leaves the outbox only once the queue has accepted it; a
 * failed send is retried with backoff by the next alarm.
 */
import { retryDelaySeconds } from "../src/domain/settlement";
import type { GroupCredit, SettlementMessage } from "../src/wire/rpc";

/** How long grabs gather in the outbox before one message carries them to the queue. */
const FLUSH_DELAY_MS = 50;
/** Credits per settlement message. */
const FLUSH_BATCH = 100;

export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  entry_id TEXT PRIMARY KEY,
  credit TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0)
);
`;

export class GroupOutbox {
  #storage: DurableObjectStorage;
  #send: (message: SettlementMessage) => Promise<unknown>;
  /** An alarm is known to be set for the outbox (soon, or at the retry backoff); memory only. */
  #flushArmed = false;
  /** Consecutive failed sends, for the retry backoff (memory only). */
  #failedSends = 0;

  constructor(storage: DurableObjectStorage, send: (message: SettlementMessage) => Promise<unknown>) {
    this.#storage = storage;
    this.#send = send;
  }

  /** Records a credit owed; call inside the transaction that causes it. Idempotent by entry id. */
  owe(credit: GroupCredit): void {
    this.#storage.sql.exec(
      "INSERT INTO outbox (entry_id, credit, amount) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
      credit.entryId,
      JSON.stringify(credit),
      credit.amountCents,
    );
  }

  /** Cents owed and not yet handed to the queue, for the audit. */
  owedCents(): number {
    return this.#storage.sql.exec<{ cents: number }>("SELECT COALESCE(SUM(amount), 0) AS cents FROM outbox").one().cents;
  }

  /**
   * Sends everything owed; on the alarm. Returns when the next alarm should fire for the
   * outbox (soon after a success with more to send, at the backoff after a failure), or null
   * when it is empty.
   */
  async flush(now: number): Promise<number | null> {
    this.#flushArmed = false;
    const delivered = await this.#sendAll();
    if (this.#storage.sql.exec("SELECT 1 FROM outbox LIMIT 1").toArray().length === 0) return null;
    this.#flushArmed = true;
    return now + (delivered ? FLUSH_DELAY_MS : retryDelaySeconds(this.#failedSends) * 1000);
  }

  /** Makes sure an alarm fires within FLUSH_DELAY_MS to carry new credits to the queue. */
  async armFlush(): Promise<void> {
    if (this.#flushArmed) return;
    await this.alarmBy(Date.now() + FLUSH_DELAY_MS);
    this.#flushArmed = true;
  }

  /** Sets the object's alarm to `at` unless it is already due sooner. */
  async alarmBy(at: number): Promise<void> {
    const current = await this.#storage.getAlarm();
    if (current === null || current > at) await this.#storage.setAlarm(at);
  }

  /** Sends the outbox to the settlement queue; false when a send failed (the rest stays). */
  async #sendAll(): Promise<boolean> {
    for (;;) {
      const rows = this.#storage.sql
        .exec<{ entry_id: string; credit: string }>(`SELECT entry_id, credit FROM outbox ORDER BY rowid LIMIT ${FLUSH_BATCH}`)
        .toArray();
      if (rows.length === 0) return true;
      try {
        await this.#send({ kind: "group", credits: rows.map((r) => JSON.parse(r.credit) as GroupCredit) });
      } catch (err) {
        this.#failedSends += 1;
        console.warn("group settlement send failed; retrying by alarm", String(err));
        return false;
      }
      this.#failedSends = 0;
      this.#storage.transactionSync(() => {
        for (const r of rows) this.#storage.sql.exec("DELETE FROM outbox WHERE entry_id = ?", r.entry_id);
      });
    }
  }
}
