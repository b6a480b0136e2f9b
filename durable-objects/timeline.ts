/**
 * Timeline: the source of truth for the live show, one object per deployment.
 *
 * Responsible for: the versioned running order (sponsors and phases) and the registry of
 * sponsor pools with their split seeds, and the append-only admin log. Edges read it through their caches; operators write
 * it with optimistic concurrency (a write names the version it edited). Every version is
 * published for viewer pages (src/show/publish.ts) right after its write, one publication
 * at a time so a newer version is never overwritten by an older one; a failed publication
 * is retried by the show clock's next run.
 */
import { DurableObject } from "cloudflare:workers";
import { applyEdit, timelineProblem, timelineWarnings } from "../src/domain/timeline-edit";
import { runShowClock } from "../src/show/clock-run";
import { publishTimeline } from "../src/show/publish";
import type { ShowRegistry } from "../src/show/registry";
import type { MoveRecord, PoolRecord, TickReport, TimelineEdit, Timeline as TimelineDoc } from "../src/wire/index";
import type { RegisteredPool } from "../src/wire/rpc";
import type { AdminLogEntry } from "../src/wire/index";
import { ADMIN_LOG_SCHEMA, appendAdminLog, readAdminLog, type AdminChange } from "./admin-log";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS timeline (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  version INTEGER NOT NULL,
  doc TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pools (
  pool_id TEXT PRIMARY KEY,
  record TEXT NOT NULL,
  seed TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS closed_phases (
  phase_id TEXT PRIMARY KEY,
  closed_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS moves (
  move_id TEXT PRIMARY KEY,
  record TEXT NOT NULL
);
`;

export type TimelineEditResult =
  | { ok: true; timeline: TimelineDoc; warnings: string[] }
  | { ok: false; reason: "stale"; current: TimelineDoc | null }
  | { ok: false; reason: "invalid"; problem: string };

/** How soon the show clock runs again after a failed publication. */
const PUBLISH_RETRY_MS = 2_000;

export type TimelineWrite = { ok: true; timeline: TimelineDoc } | { ok: false; current: TimelineDoc | null };

export class Timeline extends DurableObject<Env> implements ShowRegistry {
  #sql: SqlStorage;
  /** Timeline writes seen by this instance: a write during a tick asks for another run. */
  #changes = 0;
  #clock: Promise<unknown> = Promise.resolve();
  /** The version viewers can read (memory only: a new instance publishes once more). */
  #published = 0;
  #publishing: Promise<boolean> = Promise.resolve(true);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA + ADMIN_LOG_SCHEMA);
  }

  /** The current timeline, or null before anything was written. */
  read(): TimelineDoc | null {
    const row = this.#sql.exec<{ doc: string }>("SELECT doc FROM timeline").toArray()[0];
    return row ? (JSON.parse(row.doc) as TimelineDoc) : null;
  }

  /** Replaces the timeline if `expectedVersion` is the current one (0 when there is none). */
  write(doc: Omit<TimelineDoc, "version">, expectedVersion: number): TimelineWrite {
    const current = this.read();
    if ((current?.version ?? 0) !== expectedVersion) return { ok: false, current };
    const timeline: TimelineDoc = { ...doc, version: expectedVersion + 1 };
    this.#sql.exec(
      "INSERT OR REPLACE INTO timeline (singleton, version, doc) VALUES (1, ?, ?)",
      timeline.version,
      JSON.stringify(timeline),
    );
    this.#wake();
    void this.#publish();
    return { ok: true, timeline };
  }

  /**
   * Registers a pool unless its phase has ended or closed by the authoritative running order
   * (an edge's cached copy may be older); returns the problem instead.
   */
  registerPool(pool: RegisteredPool): string | null {
    const { phaseId } = pool.record;
    const phase = this.read()?.phases.find((p) => p.id === phaseId);
    if (!phase || phase.kind !== "lottery") return `phase "${phaseId}" is not a lottery phase of the running order`;
    if (phase.endsAt <= Date.now() || this.closedPhaseIds().includes(phaseId)) {
      return `phase "${phaseId}" has ended; add the pool to a later lottery phase`;
    }
    this.#sql.exec(
      "INSERT INTO pools (pool_id, record, seed) VALUES (?, ?, ?)",
      pool.record.poolId,
      JSON.stringify(pool.record),
      pool.seed,
    );
    return null;
  }

  pools(): RegisteredPool[] {
    return this.#sql
      .exec<{ record: string; seed: string }>("SELECT record, seed FROM pools ORDER BY rowid")
      .toArray()
      .map((row) => ({ record: JSON.parse(row.record) as PoolRecord, seed: row.seed }));
  }

  // ---------------------------------------------------------- admin log (admin-log.ts)

  logAdminChange(change: AdminChange): AdminLogEntry {
    return appendAdminLog(this.#sql, change, this.read()?.version ?? 0);
  }

  adminLog(limit: number): AdminLogEntry[] {
    return readAdminLog(this.#sql, limit);
  }

  // ---------------------------------------------------------- live show control

  /**
   * Applies one operator edit atomically: checked against the pool registry and the closed
   * phases, written only when `expectedVersion` is current (null for the live overrides
   * start/stop, which apply to whatever version is current).
   */
  edit(edit: TimelineEdit, expectedVersion: number | null): TimelineEditResult {
    const current = this.read();
    if (expectedVersion !== null && (current?.version ?? 0) !== expectedVersion) {
      return { ok: false, reason: "stale", current };
    }
    const ctx = {
      pools: this.pools().map((p) => p.record),
      closedPhaseIds: new Set(this.closedPhaseIds()),
      now: Date.now(),
    };
    const outcome = applyEdit(current, edit, ctx);
    const problem = outcome.ok ? timelineProblem(current, outcome.doc, ctx) : outcome.problem;
    if (!outcome.ok || problem) return { ok: false, reason: "invalid", problem: problem ?? "invalid edit" };
    const written = this.write(outcome.doc, current?.version ?? 0);
    if (!written.ok) return { ok: false, reason: "stale", current: written.current };
    return { ok: true, timeline: written.timeline, warnings: timelineWarnings(written.timeline, ctx.pools, ctx.now) };
  }

  closedPhaseIds(): string[] {
    return this.#sql
      .exec<{ phase_id: string }>("SELECT phase_id FROM closed_phases")
      .toArray()
      .map((row) => row.phase_id);
  }

  markClosed(phaseId: string, at: number): void {
    this.#sql.exec("INSERT OR IGNORE INTO closed_phases (phase_id, closed_at) VALUES (?, ?)", phaseId, at);
  }

  moves(): MoveRecord[] {
    return this.#sql
      .exec<{ record: string }>("SELECT record FROM moves ORDER BY rowid")
      .toArray()
      .map((row) => JSON.parse(row.record) as MoveRecord);
  }

  planMove(move: MoveRecord, rollover: PoolRecord | null): MoveRecord {
    return this.ctx.storage.transactionSync(() => {
      const stored = this.#sql.exec<{ record: string }>("SELECT record FROM moves WHERE move_id = ?", move.moveId).toArray()[0];
      if (stored) return JSON.parse(stored.record) as MoveRecord;
      this.#sql.exec("INSERT INTO moves (move_id, record) VALUES (?, ?)", move.moveId, JSON.stringify(move));
      if (rollover) {
        this.#sql.exec(
          "INSERT OR IGNORE INTO pools (pool_id, record, seed) VALUES (?, ?, ?)",
          rollover.poolId,
          JSON.stringify(rollover),
          move.moveId,
        );
      }
      return move;
    });
  }

  finishMove(moveId: string, landedCents: number): void {
    const stored = this.moves().find((m) => m.moveId === moveId);
    if (!stored || stored.state === "done") return;
    const done: MoveRecord = { ...stored, state: "done", landedCents };
    this.#sql.exec("UPDATE moves SET record = ? WHERE move_id = ?", JSON.stringify(done), moveId);
  }

  /**
   * One run of the show clock (alarm, minute cron, operator), then the next alarm. Runs are
   * queued one after another, so a rebalance can never interleave with a phase's close.
   */
  tick(): Promise<TickReport> {
    const run = this.#clock.then(() => this.#runClock());
    this.#clock = run.catch(() => undefined);
    return run;
  }

  async #runClock(): Promise<TickReport> {
    const changes = this.#changes;
    // Publication goes alongside the run: arming the shards never waits for the bucket.
    const [published, report] = await Promise.all([this.#publish(), runShowClock(this.env, this, Date.now())]);
    const retry = published ? Infinity : Date.now() + PUBLISH_RETRY_MS;
    const next = this.#changes !== changes ? Date.now() : Math.min(report.nextAlarmAt ?? Infinity, retry);
    if (next !== Infinity) await this.ctx.storage.setAlarm(next);
    return report;
  }

  async alarm(): Promise<void> {
    await this.tick();
  }

  /**
   * Publishes the current version unless viewers have it; publications run one after
   * another, each reading the version current when it starts. False when it failed.
   */
  #publish(): Promise<boolean> {
    const run = this.#publishing.then(async () => {
      const timeline = this.read();
      if (!timeline || timeline.version === this.#published) return true;
      try {
        await publishTimeline(this.env, timeline, Date.now());
        this.#published = Math.max(this.#published, timeline.version);
        return true;
      } catch (err) {
        console.warn(`timeline version ${timeline.version} not published; retrying`, String(err));
        return false;
      }
    });
    this.#publishing = run;
    return run;
  }

  /** Runs the show clock as soon as possible after a change of the running order. */
  #wake(): void {
    this.#changes += 1;
    void this.ctx.storage.setAlarm(Date.now());
  }
}
