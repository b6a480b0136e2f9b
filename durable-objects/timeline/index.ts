/**
 * Timeline: the source of truth for the live show, one object per deployment.
 *
 * Responsible for, each part in the module that alone writes its tables:
 * - the running order (this file: `timeline`): sponsors and phases, versioned; edges read it
 *   through their caches, operators write it with optimistic concurrency (a write names the
 *   version it edited), each edit checked against the registry and the closed phases;
 * - the show's registry (registry.ts: `pools`, `moves`, `closed_phases`): the sponsor pools
 *   with their split seeds, the moves the show clock planned and finished, the lottery
 *   phases it closed;
 * - the admin log (admin-log-store.ts: `admin_log`): every operator change, append-only;
 * - the deep checks' reports (deep-check-store.ts: `deep_check_reports`): each object's latest
 *   findings of rows that disagree with its totals, for the audit and the alerts;
 * - running the show clock (src/show/clock-run.ts) from its alarm, one run at a time, set
 *   for the next thing due and woken by every change of the running order; in demo mode the
 *   object runs it as it starts, so the clock seeds the demo show (src/show/demo-seed.ts);
 * - publishing every version for viewer pages (src/show/publish.ts) right after its write,
 *   one publication at a time so a newer version is never overwritten by an older one; a
 *   failed publication is retried by the show clock's next run.
 */
import { DurableObject } from "cloudflare:workers";
import { demoMode } from "../../src/config";
import { applyEdit, timelineProblem, timelineWarnings } from "../../src/domain/timeline-edit";
import { runShowClock } from "../../src/show/clock-run";
import { publishTimeline } from "../../src/show/publish";
import type { ShowRegistry, TimelineWrite } from "../../src/show/registry";
import type {
  AdminLogEntry,
  DeepCheckReport,
  MoveRecord,
  PoolRecord,
  TickReport,
  Timeline as TimelineDoc,
  TimelineEdit,
} from "../../src/wire/index";
import type { RegisteredPool } from "../../src/wire/rpc";
import { ADMIN_LOG_SCHEMA, appendAdminLog, readAdminLog, type AdminChange } from "./admin-log-store";
import { DEEP_CHECK_SCHEMA, readDeepChecks, storeDeepCheck } from "./deep-check-store";
import { Registry } from "./registry";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS timeline (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  version INTEGER NOT NULL,
  doc TEXT NOT NULL
);
`;

export type TimelineEditResult =
  | { ok: true; timeline: TimelineDoc; warnings: string[] }
  | { ok: false; reason: "stale"; current: TimelineDoc | null }
  | { ok: false; reason: "invalid"; problem: string };

/** How soon the show clock runs again after a failed publication. */
const PUBLISH_RETRY_MS = 2_000;

export class Timeline extends DurableObject<Env> implements ShowRegistry {
  #sql: SqlStorage;
  #registry: Registry;
  /** Timeline writes seen by this instance: a write during a tick asks for another run. */
  #changes = 0;
  #clock: Promise<unknown> = Promise.resolve();
  /** The version viewers can read (memory only: a new instance publishes once more). */
  #published = 0;
  #publishing: Promise<boolean> = Promise.resolve(true);

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA + ADMIN_LOG_SCHEMA + DEEP_CHECK_SCHEMA);
    this.#registry = new Registry(this.#sql);
    if (demoMode(env)) this.#runClockSoon();
  }

  /**
   * The current timeline, or null before anything was written: the call for readers outside
   * the object (the edge's caches, admin, alerts), each one a request the TTL bounds. In demo
   * mode an empty timeline waits for a run of the show clock, which seeds the demo show, so
   * the first viewer of `npm start` never caches an empty show.
   */
  async read(): Promise<TimelineDoc | null> {
    const doc = this.document();
    if (doc || !demoMode(this.env)) return doc;
    await this.tick();
    return this.document();
  }

  /** The same, for the object's own code and the show clock it runs. */
  document(): TimelineDoc | null {
    const row = this.#sql.exec<{ doc: string }>("SELECT doc FROM timeline").toArray()[0];
    return row ? (JSON.parse(row.doc) as TimelineDoc) : null;
  }

  /** Replaces the timeline if `expectedVersion` is the current one (0 when there is none). */
  write(doc: Omit<TimelineDoc, "version">, expectedVersion: number): TimelineWrite {
    const current = this.document();
    if ((current?.version ?? 0) !== expectedVersion) return { ok: false, current };
    const timeline: TimelineDoc = { ...doc, version: expectedVersion + 1 };
    this.#sql.exec(
      "INSERT OR REPLACE INTO timeline (singleton, version, doc) VALUES (1, ?, ?)",
      timeline.version,
      JSON.stringify(timeline),
    );
    this.#changes += 1;
    this.#runClockSoon();
    void this.#publish();
    return { ok: true, timeline };
  }

  /**
   * Applies one operator edit atomically: checked against the pool registry and the closed
   * phases, written only when `expectedVersion` is current (null for the live overrides
   * start/stop, which apply to whatever version is current).
   */
  edit(edit: TimelineEdit, expectedVersion: number | null): TimelineEditResult {
    const current = this.document();
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

  // ---------------------------------------------------------- the show's registry (registry.ts)

  /**
   * Registers a pool unless its phase has ended or closed by the authoritative running order
   * (an edge's cached copy may be older); returns the problem instead.
   */
  registerPool(pool: RegisteredPool): string | null {
    const { phaseId } = pool.record;
    const phase = this.document()?.phases.find((p) => p.id === phaseId);
    if (!phase || phase.kind !== "lottery") return `phase "${phaseId}" is not a lottery phase of the running order`;
    if (phase.endsAt <= Date.now() || this.closedPhaseIds().includes(phaseId)) {
      return `phase "${phaseId}" has ended; add the pool to a later lottery phase`;
    }
    this.#registry.register(pool);
    return null;
  }

  pools(): RegisteredPool[] {
    return this.#registry.pools();
  }

  closedPhaseIds(): string[] {
    return this.#registry.closedPhaseIds();
  }

  markClosed(phaseId: string, at: number): void {
    this.#registry.markClosed(phaseId, at);
  }

  moves(): MoveRecord[] {
    return this.#registry.moves();
  }

  planMove(move: MoveRecord, rollover: PoolRecord | null): MoveRecord {
    return this.ctx.storage.transactionSync(() => this.#registry.planMove(move, rollover));
  }

  finishMove(moveId: string, landedCents: number): void {
    this.#registry.finishMove(moveId, landedCents);
  }

  // ---------------------------------------------------------- deep checks (deep-check-store.ts)

  reportDeepCheck(report: DeepCheckReport): void {
    storeDeepCheck(this.#sql, report);
  }

  deepChecks(): DeepCheckReport[] {
    return readDeepChecks(this.#sql);
  }

  // ---------------------------------------------------------- admin log (admin-log-store.ts)

  logAdminChange(change: AdminChange): AdminLogEntry {
    return appendAdminLog(this.#sql, change, this.document()?.version ?? 0);
  }

  adminLog(limit: number): AdminLogEntry[] {
    return readAdminLog(this.#sql, limit);
  }

  // ---------------------------------------------------------- the show clock

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
      const timeline = this.document();
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

  /** Runs the show clock as soon as possible: after a change of the running order, or as a demo show's object starts. */
  #runClockSoon(): void {
    // Not awaited: the output gate holds back every answer until the alarm is stored.
    void this.ctx.storage.setAlarm(Date.now());
  }
}
