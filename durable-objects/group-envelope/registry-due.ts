/**
 * RegistryDue: what one GroupEnvelope object told the D1 registry about when it next needs the
 * repair (the registry's `due_at`, src/money/group-registry.ts).
 *
 * Responsible for keeping the registry's due time never later than the earliest moment the
 * envelope may need the repair. The object writes the registry's due time only here, each
 * write inside `blockConcurrencyWhile` together with the state it depends on, so no grab or
 * repair of the object interleaves with it: the registry's due time is always at or before
 * the time recorded here (`noted`).
 *
 * - Before a grab owes a credit at `at`, the registry must say due at or before `at`; when the
 *   noted time is later (or unknown), the object lowers the registry's due time first
 *   (`noteThen`), so a credit is never owed without the registry knowing.
 * - After a repair visit, the object sets the registry's due time to its next one
 *   (`setThen`), which moves it past the repair's bound when nothing is due.
 */
import { noteGroupDue, setGroupDue } from "../../src/money/group-registry";

export const REGISTRY_DUE_SCHEMA = `
CREATE TABLE IF NOT EXISTS registry_due (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  due_at INTEGER NOT NULL
);
`;

export class RegistryDue {
  #ctx: DurableObjectState;
  #db: D1Database;

  constructor(ctx: DurableObjectState, db: D1Database) {
    this.#ctx = ctx;
    this.#db = db;
  }

  /** The registry is known to be due at or before `at` (false when nothing was noted yet). */
  covers(at: number): boolean {
    const noted = this.#ctx.storage.sql.exec<{ due_at: number }>("SELECT due_at FROM registry_due").toArray()[0];
    return noted !== undefined && noted.due_at <= at;
  }

  /** Records what the registry holds (at creation: the registration's due time, its expiry). */
  record(at: number): void {
    this.#ctx.storage.sql.exec(
      "INSERT INTO registry_due (singleton, due_at) VALUES (1, ?) ON CONFLICT DO UPDATE SET due_at = excluded.due_at",
      at,
    );
  }

  /**
   * Runs `work` (synchronous, a storage transaction that may owe a credit at `at`) once the
   * registry is due at or before `at`: at once when it already is, otherwise after lowering the
   * registry's due time, with no other event of the object in between.
   */
  async noteThen<T>(groupId: string, at: number, work: () => T): Promise<T> {
    if (this.covers(at)) return work();
    return this.#exclusive(async () => {
      await noteGroupDue(this.#db, groupId, at);
      this.record(at);
      return work();
    });
  }

  /**
   * Computes the next due time from the object's state (`next`, null when nothing will be due)
   * and sets the registry to it, with no other event of the object in between. `registered` is
   * what the repair read from the registry: when it already holds the next time nothing is written.
   */
  async setThen(groupId: string, registered: number | null, next: () => number | null): Promise<void> {
    await this.#exclusive(async () => {
      const at = next();
      if (at === null) return;
      if (at !== registered) await setGroupDue(this.#db, groupId, at);
      this.record(at);
    });
  }

  /**
   * `blockConcurrencyWhile` resets the object when its callback throws: a failure (D1
   * unreachable) is carried out of it and thrown here instead, the object left as it was.
   */
  async #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const result = await this.#ctx.blockConcurrencyWhile(async () => {
      try {
        return { ok: true as const, value: await work() };
      } catch (error) {
        return { ok: false as const, error };
      }
    });
    if (!result.ok) throw result.error;
    return result.value;
  }
}
