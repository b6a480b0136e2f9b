/**
 * SlicedCheck: an object's deep check (issue 26), its rows verified against its running totals
 * in slices bounded by time, the part every checked object shares (the ledger partitions'
 * wallets, ledger-partition/deep-check.ts; the pool shards' claims, pool-shard/claims-check.ts).
 * The only writer of `deep_check` (the run's cursor and figures) and `deep_findings`.
 *
 * The audit reads the running totals: a row changed behind the code's back, or without its
 * totals, cancels out of those sums or never reaches them. A run reads the rows themselves, a
 * slice at a time, through its subject: each call of `next` checks the entities after the
 * cursor in one query and moves the cursor past them. A slice calls `next` until
 * `SLICE_BUDGET_MS` have passed on the object's clock (or, should that clock not move, until it
 * has read `SLICE_MAX_ROWS` rows), then keeps the cursor for the next slice: it holds the object
 * for its budget plus one query, whatever the object holds. Each entity is checked whole inside
 * one query of one slice's transaction and the next query starts after the last entity the
 * previous one checked, so a slice boundary never skips an entity or checks it twice. A subject
 * that sums over a run (the shard's claims per pool) keeps a write landing between two slices
 * below the cursor in its sums (its own triggers), so that write never makes a false finding.
 *
 * A finding is kept in `deep_findings` until a later pass (or the audit's recheck of an entity)
 * finds it right again; the findings go to the show clock (the Timeline object), where the
 * audit and the alerts read them: with every finished run (its figures shown by the audit), or,
 * for objects as many as the night's group envelopes (`reportRuns: false`), only when the
 * findings changed, so the show clock hears from the few that disagree, not from every run.
 */
import type { AuditProblem, DeepCheckReport } from "../src/wire/index";

/** A slice's work time: it starts no query after this many ms (docs/reliability.md, "Deep checks": a slice stays under 50 ms). */
export const SLICE_BUDGET_MS = 25;
/**
 * Rows after which a slice stops whatever its clock says: the bound should the object's clock
 * not move while it computes (workerd's moves across each SQL call, measured), about 25 ms at
 * the deep checks' measured rows per second.
 */
export const SLICE_MAX_ROWS = 2_000;

/** Pause between two slices of a run, and between the end of a run and the next. */
export const SLICE_GAP_MS = 200;
export const RUN_INTERVAL_MS = 10 * 60_000;

const SCHEMA = `
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
  unreported INTEGER NOT NULL DEFAULT 0,
  next_at INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS deep_findings (
  user_id TEXT PRIMARY KEY,
  diff INTEGER NOT NULL,
  found_at INTEGER NOT NULL
);
`;

/** Records one finding: the entity's key and how far its rows are from its totals (0: right). */
export type Found = (key: string, diff: number) => void;

/** What the rows of one object are checked against, one query at a time. */
export interface CheckSubject {
  /** A run begins (inside its first slice's transaction). */
  begin(): void;
  /**
   * Checks the entities after `cursor` ("" at a run's start) in one query, each difference to
   * `found`; returns the rows and entities read and the cursor after them, null when none is left.
   */
  next(cursor: string, found: Found): { rows: number; entities: number; cursor: string | null };
  /** A run ends (inside its last slice's transaction): differences the whole run shows go to `found`. */
  end(found: Found): void;
  /** One finding's difference now, or null when only a whole run can check it again. */
  recheck(key: string): number | null;
  /** A finding as the audit names it. */
  problem(key: string, diff: number): AuditProblem;
}

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
  next_at: number;
}

/**
 * What one slice did: the rows and entities it read, its time on the object's clock, whether it
 * finished the run, when the next slice is due, and the report to send (null when nothing changed).
 */
export interface SliceResult {
  rows: number;
  entities: number;
  ms: number;
  runFinished: boolean;
  nextAt: number;
  report: DeepCheckReport | null;
}

/** How a slice is bounded: its budget in ms of `clock` (ms, monotonic) and its rows. */
export interface SliceBounds {
  budgetMs: number;
  maxRows: number;
  clock: () => number;
}

export const DEFAULT_BOUNDS: SliceBounds = { budgetMs: SLICE_BUDGET_MS, maxRows: SLICE_MAX_ROWS, clock: () => performance.now() };

const round = (ms: number) => Math.round(ms * 100) / 100;

export class SlicedCheck {
  #sql: SqlStorage;
  #subject: CheckSubject;
  #reportRuns: boolean;

  /**
   * Creates the tables; call before the subject creates triggers that read `deep_check`.
   * `reportRuns`: a finished run is reported even when its findings did not change.
   */
  constructor(sql: SqlStorage, subject: CheckSubject, { reportRuns = true }: { reportRuns?: boolean } = {}) {
    this.#sql = sql;
    this.#subject = subject;
    this.#reportRuns = reportRuns;
    sql.exec(SCHEMA);
    const columns = sql.exec<{ name: string }>("PRAGMA table_info(deep_check)").toArray();
    for (const [column, type] of [
      ["slice_ms", "REAL"],
      ["max_slice_ms", "REAL"],
      ["next_at", "INTEGER"],
    ]) {
      if (!columns.some((c) => c.name === column)) sql.exec(`ALTER TABLE deep_check ADD COLUMN ${column} ${type} NOT NULL DEFAULT 0`);
    }
  }

  /** Whether the check has been armed (it knows the name it reports under). */
  armed(): boolean {
    return this.#state() !== undefined;
  }

  /** When the next slice is due; null when the check is not armed. */
  dueAt(): number | null {
    return this.#state()?.next_at ?? null;
  }

  /** Arms the check under `source`; true when it was not armed before. */
  arm(source: string): boolean {
    return this.#sql.exec("INSERT INTO deep_check (id, source) VALUES (0, ?) ON CONFLICT DO NOTHING", source).rowsWritten > 0;
  }

  /** The run under way (if any) starts again from the first entity with its next slice. */
  restartRun(): void {
    this.#sql.exec(
      "UPDATE deep_check SET cursor = NULL, run_started_at = NULL, rows = 0, entities = 0, slices = 0, slice_ms = 0, max_slice_ms = 0 WHERE id = 0",
    );
  }

  /** One slice, at `now`, within `bounds`: call inside a storage transaction. Null when the check is not armed. */
  slice(now: number, bounds: SliceBounds = DEFAULT_BOUNDS): SliceResult | null {
    const began = bounds.clock();
    const state = this.#state();
    if (!state) return null;
    const startedAt = state.run_started_at ?? now;
    let cursor: string | null = state.cursor ?? "";
    if (state.cursor === null) this.#subject.begin();
    let rows = 0;
    let entities = 0;
    let changed = false;
    const found: Found = (key, diff) => {
      changed = this.#record(key, diff, now) || changed;
    };
    while (cursor !== null && rows < bounds.maxRows && (entities === 0 || bounds.clock() - began < bounds.budgetMs)) {
      const part = this.#subject.next(cursor, found);
      rows += part.rows;
      entities += part.entities;
      cursor = part.cursor;
    }
    const runFinished = cursor === null;
    if (runFinished) this.#subject.end(found);
    const ms = bounds.clock() - began;
    const total = {
      rows: state.rows + rows,
      entities: state.entities + entities,
      slices: state.slices + 1,
      sliceMs: round(state.slice_ms + ms),
      maxSliceMs: round(Math.max(state.max_slice_ms, ms)),
    };
    const lastRun = runFinished ? { ...total, startedAt, finishedAt: now } : state.last_run && JSON.parse(state.last_run);
    const unreported = state.unreported === 1 || changed || (runFinished && this.#reportRuns);
    const nextAt = now + (runFinished ? RUN_INTERVAL_MS : SLICE_GAP_MS);
    this.#sql.exec(
      `UPDATE deep_check SET cursor = ?, run_started_at = ?, rows = ?, entities = ?, slices = ?, slice_ms = ?, max_slice_ms = ?, last_run = ?,
         unreported = ?, next_at = ? WHERE id = 0`,
      cursor,
      runFinished ? null : startedAt,
      runFinished ? 0 : total.rows,
      runFinished ? 0 : total.entities,
      runFinished ? 0 : total.slices,
      runFinished ? 0 : total.sliceMs,
      runFinished ? 0 : total.maxSliceMs,
      lastRun ? JSON.stringify(lastRun) : null,
      unreported ? 1 : 0,
      nextAt,
    );
    return { rows, entities, ms, runFinished, nextAt, report: unreported ? this.report(now) : null };
  }

  /** The check's report now: its findings and its last finished run. */
  report(now: number): DeepCheckReport {
    const state = this.#state();
    const findings = this.#sql
      .exec<{ user_id: string; diff: number }>("SELECT user_id, diff FROM deep_findings ORDER BY user_id")
      .toArray()
      .map((f) => this.#subject.problem(f.user_id, f.diff));
    return { source: state?.source ?? "", findings, lastRun: state?.last_run ? JSON.parse(state.last_run) : null, reportedAt: now };
  }

  /**
   * Checks again, now, each finding the subject can check alone (call inside a storage
   * transaction): one made right since (by the repair, or a restored row) is cleared. True when
   * that changed the findings.
   */
  recheck(now: number): boolean {
    let changed = false;
    const found = this.#sql.exec<{ user_id: string }>("SELECT user_id FROM deep_findings").toArray();
    for (const { user_id } of found) {
      const diff = this.#subject.recheck(user_id);
      if (diff !== null) changed = this.#record(user_id, diff, now) || changed;
    }
    if (changed) this.#sql.exec("UPDATE deep_check SET unreported = 1 WHERE id = 0");
    return changed;
  }

  /**
   * The findings checked again now, in one transaction of `storage` (the audit asks before it
   * names them, so rows made right since are not named); sent with `send` when they changed.
   */
  async recheckNow(storage: DurableObjectStorage, send: (report: DeepCheckReport) => Promise<unknown>): Promise<DeepCheckReport> {
    const now = Date.now();
    const changed = storage.transactionSync(() => this.recheck(now));
    const report = this.report(now);
    if (changed) await this.send(report, send);
    return report;
  }

  /**
   * Sends `report` to the show clock (`send`) and notes that it holds it; a report that fails
   * stays unreported and goes again with the next slice.
   */
  async send(report: DeepCheckReport, send: (report: DeepCheckReport) => Promise<unknown>): Promise<void> {
    try {
      await send(report);
      this.#sql.exec("UPDATE deep_check SET unreported = 0 WHERE id = 0");
    } catch (err) {
      console.warn("deep check: report to the show clock failed; sent again with the next slice", String(err));
    }
  }

  /** Keeps or clears the finding of `key` (the column is named for the wallets, the first subject); true when that changed the findings. */
  #record(key: string, diff: number, now: number): boolean {
    if (diff === 0) return this.#sql.exec("DELETE FROM deep_findings WHERE user_id = ?", key).rowsWritten > 0;
    return (
      this.#sql.exec(
        `INSERT INTO deep_findings (user_id, diff, found_at) VALUES (?, ?, ?)
         ON CONFLICT DO UPDATE SET diff = excluded.diff WHERE diff <> excluded.diff`,
        key,
        diff,
        now,
      ).rowsWritten > 0
    );
  }

  #state(): State | undefined {
    return this.#sql.exec<State & Record<string, SqlStorageValue>>("SELECT * FROM deep_check WHERE id = 0").toArray()[0];
  }
}
