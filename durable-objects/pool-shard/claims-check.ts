/**
 * The pool shard's deep check (issue 26): its claims and their settlement states against the
 * running totals (totals.ts), per pool, run in slices bounded by time from the shard's alarm
 * (../sliced-check.ts). The only writer of `claims_check_sums`.
 *
 * A run walks the claims in rowid order, `CLAIMS_PER_QUERY` at a time with their `claim_state`
 * rows, and sums per pool what it read: issued, and opened, sent and settled as the totals
 * count them (totals.ts `CLAIM_STATES`). At the end of the run the sums must equal the totals.
 * The shard keeps taking claims between slices: a claim written after the cursor is read when
 * the cursor reaches it, and triggers move the sums by every write to a claim (or its state) at
 * or before the cursor, in the same statement, so the sums are those of the rows as they are
 * when the run ends, and a write between slices never makes a false finding. A row changed
 * behind the totals' back (a trigger missing, a write that forgot it) leaves them apart: the
 * pool is named `shard-<n>/pool:<pool>` with what differs, until a later run finds it right.
 */
import type { AuditProblem } from "../../src/wire/index";
import type { CheckSubject, Found } from "../sliced-check";
import { CLAIM_STATES, poolTotals } from "./totals";

/** Claims read per query (with their states). */
export const CLAIMS_PER_QUERY = 200;

const COLUMNS = ["issued", ...(Object.keys(CLAIM_STATES) as (keyof typeof CLAIM_STATES)[])] as const;

/** The cursor of the run under way (a claim's rowid; null between runs), read by the triggers. */
const CURSOR = "(SELECT CAST(cursor AS INTEGER) FROM deep_check WHERE id = 0)";

const addSums = (rows: string) =>
  `INSERT INTO claims_check_sums (pool_id, what, count, cents) SELECT pool_id, what, n, cents FROM (${rows}) WHERE n <> 0
   ON CONFLICT (pool_id, what) DO UPDATE SET count = count + excluded.count, cents = cents + excluded.cents;`;

/** The statements moving the sums by a claim row's write (`row`: NEW or OLD, `sign`: ±1). */
const claimRow = (row: "NEW" | "OLD", sign: 1 | -1) =>
  addSums(`SELECT ${row}.pool_id AS pool_id, 'issued' AS what, ${sign} AS n, ${sign} * ${row}.amount AS cents`);

/** The statements moving the sums by a state row's write: each state's change, for its claim at or before the cursor. */
const stateRow = (delta: (when: string) => string, row: "NEW" | "OLD") =>
  Object.entries(CLAIM_STATES)
    .map(([what, when]) =>
      addSums(
        `SELECT c.pool_id AS pool_id, '${what}' AS what, ${delta(when)} AS n, (${delta(when)}) * c.amount AS cents
           FROM claims c WHERE c.claim_id = ${row}.claim_id AND c.rowid <= ${CURSOR}`,
      ),
    )
    .join("\n");
const holds = (when: string, row: string) => `(${when.replaceAll("$", row)})`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS claims_check_sums (
  pool_id TEXT NOT NULL,
  what TEXT NOT NULL,
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL,
  PRIMARY KEY (pool_id, what)
) WITHOUT ROWID;
CREATE TRIGGER IF NOT EXISTS claims_check_insert AFTER INSERT ON claims WHEN NEW.rowid <= ${CURSOR} BEGIN ${claimRow("NEW", 1)} END;
CREATE TRIGGER IF NOT EXISTS claims_check_delete AFTER DELETE ON claims WHEN OLD.rowid <= ${CURSOR} BEGIN ${claimRow("OLD", -1)} END;
CREATE TRIGGER IF NOT EXISTS claims_check_update AFTER UPDATE ON claims WHEN OLD.rowid <= ${CURSOR} BEGIN
  ${claimRow("OLD", -1)}
  ${claimRow("NEW", 1)}
END;
`;

/**
 * The state rows' triggers, whose bodies follow CLAIM_STATES: created anew when a shard kept
 * older bodies (a state added since, such as `swept`), which also restarts a run under way.
 */
const STATE_TRIGGERS: Record<string, string> = {
  claims_check_state_insert: `AFTER INSERT ON claim_state BEGIN ${stateRow((w) => holds(w, "NEW"), "NEW")} END`,
  claims_check_state_delete: `AFTER DELETE ON claim_state BEGIN ${stateRow((w) => `-${holds(w, "OLD")}`, "OLD")} END`,
  claims_check_state_update: `AFTER UPDATE ON claim_state BEGIN ${stateRow((w) => `${holds(w, "NEW")} - ${holds(w, "OLD")}`, "NEW")} END`,
};

export class ClaimRows implements CheckSubject {
  #sql: SqlStorage;
  #name: () => string;

  /**
   * True when the state rows' triggers were kept with older bodies and are now current: a run
   * under way summed some writes without them, so it must start again.
   */
  readonly triggersChanged: boolean;

  /** Creates the sums and their triggers: after the counted tables and the check's own (`deep_check`). */
  constructor(sql: SqlStorage, name: () => string) {
    this.#sql = sql;
    this.#name = name;
    sql.exec(SCHEMA);
    let changed = false;
    for (const [trigger, body] of Object.entries(STATE_TRIGGERS)) {
      const create = `CREATE TRIGGER ${trigger} ${body}`;
      const kept = sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?", trigger).toArray()[0];
      if (kept?.sql === create) continue;
      changed ||= kept !== undefined;
      sql.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
      sql.exec(create);
    }
    this.triggersChanged = changed;
  }

  begin(): void {
    this.#sql.exec("DELETE FROM claims_check_sums");
  }

  next(cursor: string): { rows: number; entities: number; cursor: string | null } {
    const states = Object.entries(CLAIM_STATES)
      .map(([what, when]) => `${holds(when, "s")} AS ${what}`)
      .join(", ");
    const pools = this.#sql
      .exec<{ pool_id: string; n: number; last: number } & Record<string, number>>(
        `WITH page AS (
           SELECT c.rowid AS rid, c.pool_id, c.amount, ${states}
             FROM claims c LEFT JOIN claim_state s ON s.claim_id = c.claim_id
            WHERE c.rowid > ? ORDER BY c.rowid LIMIT ${CLAIMS_PER_QUERY})
         SELECT pool_id, COUNT(*) AS n, SUM(amount) AS issued_cents, MAX(rid) AS last,
                ${Object.keys(CLAIM_STATES)
                  .map((what) => `SUM(${what}) AS ${what}_count, SUM(${what} * amount) AS ${what}_cents`)
                  .join(", ")}
           FROM page GROUP BY pool_id`,
        Number(cursor || 0),
      )
      .toArray();
    let rows = 0;
    let last = 0;
    for (const p of pools) {
      rows += p.n;
      last = Math.max(last, p.last);
      for (const what of COLUMNS) {
        const count = what === "issued" ? p.n : p[`${what}_count`];
        const cents = p[`${what}_cents`];
        if (count !== 0 || cents !== 0) {
          this.#sql.exec(
            `INSERT INTO claims_check_sums (pool_id, what, count, cents) VALUES (?, ?, ?, ?)
             ON CONFLICT (pool_id, what) DO UPDATE SET count = count + excluded.count, cents = cents + excluded.cents`,
            p.pool_id,
            what,
            count,
            cents,
          );
        }
      }
    }
    return { rows, entities: rows, cursor: rows < CLAIMS_PER_QUERY ? null : String(last) };
  }

  end(found: Found): void {
    const sums = new Map<string, { count: number; cents: number }>();
    for (const r of this.#sql.exec<{ pool_id: string; what: string; count: number; cents: number }>("SELECT * FROM claims_check_sums")) {
      sums.set(`${r.pool_id}|${r.what}`, { count: r.count, cents: r.cents });
    }
    const totals = poolTotals(this.#sql);
    const pools = new Set([...totals.keys(), ...[...sums.keys()].map((k) => k.slice(0, k.lastIndexOf("|")))]);
    for (const poolId of pools) {
      for (const what of COLUMNS) {
        const rows = sums.get(`${poolId}|${what}`) ?? { count: 0, cents: 0 };
        const kept = totals.get(poolId)?.totals[what] ?? { count: 0, cents: 0 };
        found(`${poolId}|${what}|count`, rows.count - kept.count);
        found(`${poolId}|${what}|cents`, rows.cents - kept.cents);
      }
    }
  }

  /** A pool's sums are only checked again by a whole run. */
  recheck(): null {
    return null;
  }

  problem(key: string, diff: number): AuditProblem {
    const [what, unit] = key.split("|").slice(-2);
    const poolId = key.slice(0, key.length - what.length - unit.length - 2);
    return {
      place: `${this.#name()}/pool:${poolId}`,
      problem: `${what} ${unit} of the claims' rows differ from the running totals by ${diff} (deep check)`,
      cents: unit === "cents" ? Math.abs(diff) : 0,
    };
  }
}
