/**
 * GroupOutbox: the transactional outbox of one GroupEnvelope object.
 *
 * Responsible for: keeping every ledger credit the envelope owes (grabbed shares, the
 * refund) in the object's own SQLite, written in the same transaction as the grab or refund
 * that caused it, and handing them to the settlement queue from the object's alarm, many
 * credits per message. A credit stays in the outbox until the settlement consumer confirms
 * that the ledger holds it (`confirm`); one sent and not confirmed within RESEND_AFTER_MS is
 * sent again (the ledger credits an entry id once, so a duplicate is harmless). A failed
 * send is retried with backoff by the next alarm.
 */
import { retryDelaySeconds } from "../../src/domain/settlement";
import type { GroupCredit, SettlementMessage } from "../../src/wire/rpc";

/** How long grabs gather in the outbox before one message carries them to the queue. */
const FLUSH_DELAY_MS = 50;
/** Credits per settlement message. */
const FLUSH_BATCH = 100;
/** A sent credit the ledger has not confirmed after this long is sent again. */
export const RESEND_AFTER_MS = 60_000;

export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  entry_id TEXT PRIMARY KEY,
  credit TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  owed_at INTEGER NOT NULL DEFAULT 0,
  sent_at INTEGER
);
`;

/** Adds the columns an outbox created before confirmations existed lacks. */
export function migrateOutbox(sql: SqlStorage): void {
  const columns = new Set(
    sql
      .exec<{ name: string }>("PRAGMA table_info(outbox)")
      .toArray()
      .map((c) => c.name),
  );
  if (!columns.has("owed_at")) sql.exec("ALTER TABLE outbox ADD COLUMN owed_at INTEGER NOT NULL DEFAULT 0");
  if (!columns.has("sent_at")) sql.exec("ALTER TABLE outbox ADD COLUMN sent_at INTEGER");
}

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
      "INSERT INTO outbox (entry_id, credit, amount, owed_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
      credit.entryId,
      JSON.stringify(credit),
      credit.amountCents,
      Date.now(),
    );
  }

  /** The ledger holds these credits: they leave the outbox. */
  confirm(entryIds: readonly string[]): void {
    this.#storage.sql.exec("DELETE FROM outbox WHERE entry_id IN (SELECT value FROM json_each(?))", JSON.stringify(entryIds));
  }

  /** Cents owed and not yet confirmed by the ledger, and since when, for the audit. */
  owed(): { cents: number; oldestAt: number | null } {
    const row = this.#storage.sql
      .exec<{ cents: number; oldest: number | null }>("SELECT COALESCE(SUM(amount), 0) AS cents, MIN(owed_at) AS oldest FROM outbox")
      .one();
    return { cents: row.cents, oldestAt: row.oldest };
  }

  /** Marks credits sent at or before `before` and still unconfirmed as unsent; returns how many. */
  release(before: number): number {
    return this.#storage.sql.exec("UPDATE outbox SET sent_at = NULL WHERE sent_at <= ?", before).rowsWritten;
  }

  /**
   * Sends everything not sent yet, and what waited too long for its confirmation; on the
   * alarm. Returns when the next alarm should fire for the outbox (soon after a success with
   * more to send, at the backoff after a failure, at the resend time of the oldest unconfirmed
   * credit), or null when it is empty.
   */
  async flush(now: number): Promise<number | null> {
    this.#flushArmed = false;
    this.release(now - RESEND_AFTER_MS);
    const delivered = await this.#sendAll(now);
    const oldestSent = this.#storage.sql
      .exec<{ unsent: number; oldest: number | null }>(
        "SELECT COUNT(*) FILTER (WHERE sent_at IS NULL) AS unsent, MIN(sent_at) AS oldest FROM outbox",
      )
      .one();
    if (oldestSent.unsent === 0 && oldestSent.oldest === null) return null;
    if (!delivered) {
      this.#flushArmed = true;
      return now + retryDelaySeconds(this.#failedSends) * 1000;
    }
    if (oldestSent.unsent > 0) {
      this.#flushArmed = true;
      return now + FLUSH_DELAY_MS;
    }
    // Only the resend is left, a minute away: the next credit owed still lowers the alarm (armFlush).
    return (oldestSent.oldest ?? now) + RESEND_AFTER_MS;
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

  /** Sends the unsent credits to the settlement queue; false when a send failed (the rest stays unsent). */
  async #sendAll(now: number): Promise<boolean> {
    for (;;) {
      const rows = this.#storage.sql
        .exec<{ entry_id: string; credit: string }>(
          `SELECT entry_id, credit FROM outbox WHERE sent_at IS NULL ORDER BY rowid LIMIT ${FLUSH_BATCH}`,
        )
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
      this.#storage.sql.exec(
        "UPDATE outbox SET sent_at = ? WHERE entry_id IN (SELECT value FROM json_each(?))",
        now,
        JSON.stringify(rows.map((r) => r.entry_id)),
      );
    }
  }
}
