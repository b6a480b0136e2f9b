/**
 * WalletDeepCheck: the ledger partition's deep check, each wallet's balance against the sum of
 * its ledger rows, run in bounded slices from the partition's alarm (issue 26).
 *
 * The audit reads the partition's running totals: a wallet whose balance moved behind the
 * code's back, or a ledger row changed without its totals, cancels out of those sums or never
 * reaches them. This check reads the rows themselves, a slice at a time: a cursor (the last
 * wallet checked) walks the wallets in id order; a slice reads wallets in queries of
 * `WALLETS_PER_QUERY` with their rows until it has read `SLICE_ROWS` ledger rows, so it holds
 * the object for a bounded time whatever the partition holds. Each wallet is checked whole inside
 * one slice's transaction, so a write landing between slices can never make a false finding.
 * A wallet that disagrees is a finding (kept in `deep_findings` until a later pass, or the
 * audit's recheck of the findings, finds it right again); the findings go to the show clock
 * (the Timeline object), where the audit and the alerts read them. The only writer of `deep_check` and `deep_findings`.
 */
import type { AuditProblem, DeepCheckReport } from "../../src/wire/index";

/** A slice's work time: it starts no query after this many ms (docs/reliability.md, "Deep checks": a slice stays under 50 ms). */
export const SLICE_BUDGET_MS = 25;
/**
 * Ledger rows after which a slice stops whatever its clock says: the bound should the object's
 * clock not move while it computes (workerd's moves across each SQL call, measured), about 25 ms
 * at the deep check's measured 50,000–80,000 rows/s.
 */
export const SLICE_MAX_ROWS = 2_000;
/** Wallets read per query (with their rows); a slice may overshoot its budget by one query. */
export const WALLETS_PER_QUERY = 20;

export const DEEP_CHECK_SCHEMA = `
CREATE TABLE IF NOT EXISTS deep_check (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  source TEXT NOT NULL,
  cursor TEXT,
  run_started_at INTEGER,
  rows INTEGER NOT NULL DEFAULT 0,
  entities INTEGER NOT NULL DEFAULT 0,
  slices INTEGER NOT NULL DEFAULT 0,
  slice_ms REAL NOT NULL DEFAULT 0,
  max_slice_ms REAL NOT NULL DEFAULT 0,
  last_run TEXT,
  unreported INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS deep_findings (
  user_id TEXT PRIMARY KEY,
  diff INTEGER NOT NULL,
  found_at INTEGER NOT NULL
);
`;

interface State {
  source: string;
  cursor: string | null;
  run_started_at: number | null;
  rows: number;
  entities: number;
  slices: number;
  slice_ms: number;
  max_slice_ms: number;
  last_run: string | null;
  unreported: number;
}

/** What one slice did: the rows and wallets it read, its time on the object's clock, whether it finished the run, and the report to send (null when nothing changed). */
export interface SliceResult {
  rows: number;
  entities: number;
  ms: number;
  runFinished: boolean;
  report: DeepCheckReport | null;
}

/** How a slice is bounded: its budget in ms of `clock` (ms, monotonic) and its rows. */
export interface SliceBounds {
  budgetMs: number;
  maxRows: number;
  clock: () => number;
}

export const DEFAULT_BOUNDS: SliceBounds = { budgetMs: SLICE_BUDGET_MS, maxRows: SLICE_MAX_ROWS, clock: () => performance.now() };

export class WalletDeepCheck {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(DEEP_CHECK_SCHEMA);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(deep_check)").toArray();
    for (const column of ["slice_ms", "max_slice_ms"]) {
      if (!columns.some((c) => c.name === column)) sql.exec(`ALTER TABLE deep_check ADD COLUMN ${column} REAL NOT NULL DEFAULT 0`);
    }
  }

  /** Whether the check has been armed (it knows the name it reports under). */
  armed(): boolean {
    return this.#state() !== undefined;
  }

  /** Arms the check under `source` (idempotent). */
  arm(source: string): void {
    this.#sql.exec("INSERT INTO deep_check (id, source) VALUES (0, ?) ON CONFLICT DO NOTHING", source);
  }

  /** One slice, at `now`, within `bounds`: call inside a storage transaction. Null when the check is not armed. */
  slice(now: number, bounds: SliceBounds = DEFAULT_BOUNDS): SliceResult | null {
    const began = bounds.clock();
    const state = this.#state();
    if (!state) return null;
    const startedAt = state.run_started_at ?? now;
    let cursor = state.cursor ?? "";
    let rows = 0;
    let entities = 0;
    let changed = false;
    let runFinished = false;
    while (rows < bounds.maxRows && (entities === 0 || bounds.clock() - began < bounds.budgetMs)) {
      const wallets = this.#sql
        .exec<{ user_id: string; balance: number; n: number; sum: number }>(
          `WITH w AS (SELECT user_id, balance_cents FROM wallets WHERE user_id > ? ORDER BY user_id LIMIT ${WALLETS_PER_QUERY})
           SELECT w.user_id, w.balance_cents AS balance, COUNT(l.entry_id) AS n, COALESCE(SUM(l.amount_cents), 0) AS sum
             FROM w LEFT JOIN ledger l ON l.user_id = w.user_id GROUP BY w.user_id ORDER BY w.user_id`,
          cursor,
        )
        .toArray();
      for (const w of wallets) {
        rows += w.n;
        entities += 1;
        changed = this.#record(w.user_id, w.balance - w.sum, now) || changed;
      }
      if (wallets.length < WALLETS_PER_QUERY) {
        runFinished = true;
        break;
      }
      cursor = wallets[wallets.length - 1].user_id;
    }
    const ms = bounds.clock() - began;
    const total = {
      rows: state.rows + rows,
      entities: state.entities + entities,
      slices: state.slices + 1,
      sliceMs: Math.round((state.slice_ms + ms) * 100) / 100,
      maxSliceMs: Math.round(Math.max(state.max_slice_ms, ms) * 100) / 100,
    };
    const lastRun = runFinished ? { ...total, startedAt, finishedAt: now } : state.last_run && JSON.parse(state.last_run);
    const unreported = state.unreported === 1 || changed || runFinished;
    this.#sql.exec(
      `UPDATE deep_check SET cursor = ?, run_started_at = ?, rows = ?, entities = ?, slices = ?, slice_ms = ?, max_slice_ms = ?, last_run = ?,
         unreported = ? WHERE id = 0`,
      runFinished ? null : cursor,
      runFinished ? null : startedAt,
      runFinished ? 0 : total.rows,
      runFinished ? 0 : total.entities,
      runFinished ? 0 : total.slices,
      runFinished ? 0 : total.sliceMs,
      runFinished ? 0 : total.maxSliceMs,
      lastRun ? JSON.stringify(lastRun) : null,
      unreported ? 1 : 0,
    );
    return { rows, entities, ms, runFinished, report: unreported ? this.report(now) : null };
  }

  /** The check's report now: its findings and its last finished run. */
  report(now: number): DeepCheckReport {
    const state = this.#state();
    const findings = this.#sql
      .exec<{ user_id: string; diff: number }>("SELECT user_id, diff FROM deep_findings ORDER BY user_id")
      .toArray()
      .map((f): AuditProblem => ({
        place: `wallet:${f.user_id}`,
        problem: `balance differs from the sum of the user's ledger rows by ${f.diff} cents (deep check)`,
        cents: Math.abs(f.diff),
      }));
    return { source: state?.source ?? "", findings, lastRun: state?.last_run ? JSON.parse(state.last_run) : null, reportedAt: now };
  }

  /**
   * Checks again, now, each wallet with a finding (call inside a storage transaction): a
   * finding the repair or a restored row has made right since is cleared. True when that
   * changed the findings.
   */
  recheck(now: number): boolean {
    let changed = false;
    const found = this.#sql.exec<{ user_id: string }>("SELECT user_id FROM deep_findings").toArray();
    for (const { user_id } of found) {
      const w = this.#sql
        .exec<{ balance: number; sum: number }>(
          `SELECT COALESCE((SELECT balance_cents FROM wallets WHERE user_id = ?1), 0) AS balance,
                  COALESCE((SELECT SUM(amount_cents) FROM ledger WHERE user_id = ?1), 0) AS sum`,
          user_id,
        )
        .one();
      changed = this.#record(user_id, w.balance - w.sum, now) || changed;
    }
    if (changed) this.#sql.exec("UPDATE deep_check SET unreported = 1 WHERE id = 0");
    return changed;
  }

  /** The show clock holds the latest report. */
  reported(): void {
    this.#sql.exec("UPDATE deep_check SET unreported = 0 WHERE id = 0");
  }

  /** Keeps or clears the wallet's finding; true when that changed the findings. */
  #record(userId: string, diff: number, now: number): boolean {
    if (diff === 0) return this.#sql.exec("DELETE FROM deep_findings WHERE user_id = ?", userId).rowsWritten > 0;
    return (
      this.#sql.exec(
        `INSERT INTO deep_findings (user_id, diff, found_at) VALUES (?, ?, ?)
         ON CONFLICT DO UPDATE SET diff = excluded.diff WHERE diff <> excluded.diff`,
        userId,
        diff,
        now,
      ).rowsWritten > 0
    );
  }

  #state(): State | undefined {
    return this.#sql.exec<State & Record<string, SqlStorageValue>>("SELECT * FROM deep_check WHERE id = 0").toArray()[0];
  }
}
