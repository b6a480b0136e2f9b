/**
 * GroupEnvelope: one group envelope (split packet), one object per envelope id.
 *
 * Responsible for: the envelope's terms, handing each user at most one share drawn at grab
 * time, and returning what nobody grabbed to the sender when it expires. Every method body
 * that writes runs synchronously inside one storage transaction, so grabs never interleave.
 *
 * Money leaves through a transactional outbox (outbox.ts): a grab (or the refund) and
 * its ledger credit are written in the same transaction, and the object's alarm hands the
 * outbox to the settlement queue shortly after; a credit stays owed until the consumer
 * confirms the ledger holds it. The single alarm also fires at expiry, where the refund is
 * recorded once: a retried alarm finds it recorded, and the ledger's idempotency key catches
 * any repeated delivery. Should the alarm be lost, the repair (`repair`) does the same work.
 *
 * The repair visits only envelopes that are due (registry-due.ts): before a grab owes a credit
 * the object makes sure the registry knows it may need the repair from then on, and after each
 * repair visit it sets the registry's due time to its next one (its expiry, or its oldest
 * credit owed).
 *
 * The grabs' running totals (grab-totals.ts) are what the grab decision, the refund and the
 * audit's figures read; the deep check (grabs-check.ts, ../sliced-check.ts) reads the grab rows
 * against them once on each alarm (after grabs are handed to the queue, at each resend, at
 * expiry, at each repair visit), so a grab row changed behind the totals is found before the
 * envelope settles, and reports to the show clock only when its findings change.
 */
import { DurableObject } from "cloudflare:workers";
import { decideGrab, GROUP_LEDGER, groupDueAt } from "../../src/domain/group-envelope";
import { mathRandomInt } from "../../src/domain/split";
import type { DeepCheckReport, GrabOutcome, GroupState, GroupStatus } from "../../src/wire/index";
import type { GroupCreateResult, GroupCredit, GroupFigures, GroupRepair, GroupSpec } from "../../src/wire/rpc";
import { GroupOutbox, migrateOutbox, OUTBOX_SCHEMA } from "./outbox";
import { REGISTRY_DUE_SCHEMA, RegistryDue } from "./registry-due";
import { logMoney } from "../../src/ops/log";
import { timelineStub } from "../../src/objects";
import { SlicedCheck } from "../sliced-check";
import { grabTotals, keepGrabTotals } from "./grab-totals";
import { GrabRows } from "./grabs-check";

/** How long dead-lettered credits rest before they are sent again. */
const REDELIVER_DELAY_MS = 60_000;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS envelope (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  spec TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  count INTEGER NOT NULL CHECK (count > 0),
  expires_at INTEGER NOT NULL,
  refunded INTEGER CHECK (refunded >= 0),
  refunded_at INTEGER
);
CREATE TABLE IF NOT EXISTS tombstone (
  singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
  aborted_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS grabs (
  user_id TEXT PRIMARY KEY,
  request_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  grabbed_at INTEGER NOT NULL
);
`;

type EnvelopeRow = {
  spec: string;
  amount: number;
  count: number;
  expires_at: number;
  refunded: number | null;
};

export class GroupEnvelope extends DurableObject<Env> {
  #sql: SqlStorage;
  #outbox: GroupOutbox;
  #due: RegistryDue;
  #deepCheck: SlicedCheck;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA + OUTBOX_SCHEMA + REGISTRY_DUE_SCHEMA);
    migrateOutbox(this.#sql);
    keepGrabTotals(this.#sql);
    this.#outbox = new GroupOutbox(ctx.storage, (message) => env.SETTLEMENTS.send(message));
    this.#due = new RegistryDue(ctx, env.DB);
    const groupId = () => {
      const row = this.#row();
      return row ? this.#spec(row).groupId : "";
    };
    this.#deepCheck = new SlicedCheck(this.#sql, new GrabRows(this.#sql, groupId), { reportRuns: false });
  }

  /** Creates the envelope once and arms its expiry alarm; a repeat returns the first terms. */
  async create(spec: GroupSpec): Promise<GroupCreateResult> {
    const result = this.ctx.storage.transactionSync((): GroupCreateResult => {
      if (this.#sql.exec("SELECT 1 FROM tombstone").toArray().length) return { status: "aborted" };
      const existing = this.#row();
      if (existing) return { status: "existing", spec: this.#spec(existing) };
      this.#sql.exec(
        "INSERT INTO envelope (singleton, spec, amount, count, expires_at) VALUES (1, ?, ?, ?, ?)",
        JSON.stringify(spec),
        spec.amountCents,
        spec.count,
        spec.expiresAt,
      );
      this.#due.record(spec.expiresAt);
      return { status: "created", spec };
    });
    if (result.status === "created") await this.ctx.storage.setAlarm(spec.expiresAt);
    return result;
  }

  /**
   * Settles an ambiguous failed creation: if the envelope does not exist, it never will
   * (returns true, the caller may refund its funding); if it exists, returns false.
   */
  abort(): boolean {
    return this.ctx.storage.transactionSync(() => {
      if (this.#row()) return false;
      this.#sql.exec("INSERT OR IGNORE INTO tombstone (singleton, aborted_at) VALUES (1, ?)", Date.now());
      return true;
    });
  }

  /** One user's grab; null when there is no such envelope. A new share's credit goes to the outbox. */
  async grab(userId: string, requestId: string): Promise<GrabOutcome | null> {
    const outcome = await this.#owingAt(Date.now(), () => this.#grab(userId, requestId));
    if (outcome?.status === "grabbed") await this.#outbox.armFlush();
    return outcome;
  }

  #grab(userId: string, requestId: string): GrabOutcome | null {
    return this.ctx.storage.transactionSync(() => {
      const row = this.#row();
      if (!row) return null;
      const previous = this.#sql
        .exec<{ request_id: string; amount: number }>("SELECT request_id, amount FROM grabs WHERE user_id = ?", userId)
        .toArray()[0];
      const { cents, n } = this.#grabbed();
      const now = Date.now();
      const outcome = decideGrab(
        { amountCents: row.amount, count: row.count, grabbedCents: cents, grabbedCount: n, expiresAt: row.expires_at },
        previous ? { requestId: previous.request_id, amountCents: previous.amount } : null,
        requestId,
        now,
        mathRandomInt,
      );
      if (outcome.status === "grabbed" && !previous) {
        this.#sql.exec(
          "INSERT INTO grabs (user_id, request_id, amount, grabbed_at) VALUES (?, ?, ?, ?)",
          userId,
          requestId,
          outcome.amountCents,
          now,
        );
        const groupId = this.#spec(row).groupId;
        this.#outbox.owe({
          entryId: GROUP_LEDGER.grab.entryId(groupId, userId),
          kind: "group-grab",
          groupId,
          userId,
          amountCents: outcome.amountCents,
        });
        logMoney("group_grab", { groupId, userId, requestId, amountCents: outcome.amountCents });
      }
      return outcome;
    });
  }

  /**
   * Runs `work`, which may owe a credit at `at`, once the registry knows the envelope may be
   * due from then on; an envelope that cannot owe anything more (none, refunded) needs no note.
   */
  #owingAt<T>(at: number, work: () => T): Promise<T> | T {
    const row = this.#row();
    if (!row || row.refunded !== null) return work();
    return this.#due.noteThen(this.#spec(row).groupId, at, work);
  }

  /** The envelope as `GET /api/groups/:id` shows it (its figures from the totals); null when there is no such envelope. */
  status(): GroupStatus | null {
    const row = this.#row();
    if (!row) return null;
    const spec = this.#spec(row);
    const grabs = this.#sql
      .exec<{ user_id: string; amount: number; grabbed_at: number }>(
        "SELECT user_id, amount, grabbed_at FROM grabs ORDER BY grabbed_at, rowid",
      )
      .toArray()
      .map((g) => ({ userId: g.user_id, amountCents: g.amount, grabbedAt: g.grabbed_at }));
    const { cents: grabbedCents, n: grabbedCount } = this.#grabbed();
    const refundedCents = row.refunded ?? 0;
    const open = row.refunded === null;
    return {
      id: spec.groupId,
      senderId: spec.senderId,
      funding: spec.funding,
      greeting: spec.greeting,
      amountCents: spec.amountCents,
      count: spec.count,
      grabbedCents,
      grabbedCount,
      remainingCents: open ? spec.amountCents - grabbedCents : 0,
      remainingCount: open ? spec.count - grabbedCount : 0,
      refundedCents,
      state: this.#state(row, grabbedCount, Date.now()),
      createdAt: spec.createdAt,
      expiresAt: spec.expiresAt,
      grabs,
    };
  }

  /**
   * Dead-lettered credits come back to the outbox and go out again after a pause (the ledger
   * ignores any that did arrive), so no share or refund is ever dropped.
   */
  async redeliver(credits: GroupCredit[]): Promise<void> {
    const row = this.#row();
    const owe = () =>
      this.ctx.storage.transactionSync(() => {
        for (const credit of credits) this.#outbox.owe(credit);
      });
    if (row) await this.#due.noteThen(this.#spec(row).groupId, Date.now(), owe);
    else owe();
    await this.#outbox.alarmBy(Date.now() + REDELIVER_DELAY_MS);
  }

  /** The settlement consumer's confirmation that the ledger holds these credits. */
  confirm(entryIds: string[]): void {
    this.#outbox.confirm(entryIds);
  }

  /**
   * The repair: refunds an expired envelope whose refund never ran (a lost alarm) and sends
   * again the credits sent at or before `before` that the ledger has not confirmed, then sets
   * the registry's due time to the next one (`registeredDue`: what the repair read there);
   * answers with the figures after it (the worker marks a finished envelope settled from them).
   * Idempotent, like the alarm it stands in for.
   */
  async repair(before: number, registeredDue: number | null = null): Promise<GroupRepair> {
    const row = this.#row();
    if (!row) return { refunded: false, resent: 0, figures: null };
    const refunded = row.refunded === null && Date.now() >= row.expires_at;
    const resent = this.#outbox.release(before);
    await this.alarm();
    await this.#due.setThen(this.#spec(row).groupId, registeredDue, () => {
      const figures = this.figures();
      return figures && groupDueAt(figures);
    });
    return { refunded, resent, figures: this.figures() };
  }

  /** The envelope's own figures for the audit, from its totals; null when there is no such envelope. */
  figures(): GroupFigures | null {
    const row = this.#row();
    if (!row) return null;
    const { cents, n } = this.#grabbed();
    const owed = this.#outbox.owed();
    const spec = this.#spec(row);
    return {
      groupId: spec.groupId,
      funding: spec.funding,
      amountCents: row.amount,
      count: row.count,
      grabbedCents: cents,
      grabbedCount: n,
      refundedCents: row.refunded ?? 0,
      openCents: row.refunded === null ? row.amount - cents : 0,
      expiresAt: row.expires_at,
      outboxCents: owed.cents,
      oldestOwedAt: owed.oldestAt,
    };
  }

  /**
   * Hands the outbox to the settlement queue, refunds at expiry, runs the deep check, and sets
   * the next alarm. Safe to run any number of times: the refund is recorded only while none is.
   */
  async alarm(): Promise<void> {
    const row = this.#row();
    if (!row) return;
    if (row.refunded === null && Date.now() >= row.expires_at) this.#refund(row);
    const next = await this.#outbox.flush(Date.now());
    await this.#checkGrabs(this.#spec(row).groupId);
    const expiry = this.#row()?.refunded === null ? row.expires_at : null;
    const at = Math.min(next ?? Infinity, expiry ?? Infinity);
    if (at !== Infinity) await this.ctx.storage.setAlarm(at);
  }

  /**
   * One run of the deep check (one slice: grabs-check.ts), armed under `group-<id>` the first
   * time; its report goes to the show clock only when the findings changed. Runs ride on the
   * envelope's alarms, so the check's own schedule (`nextAt`) is not kept.
   */
  async #checkGrabs(groupId: string): Promise<void> {
    const result = this.ctx.storage.transactionSync(() => {
      if (!this.#deepCheck.armed()) this.#deepCheck.arm(`group-${groupId}`);
      return this.#deepCheck.slice(Date.now());
    });
    if (result?.report) await this.#report(result.report);
  }

  /** The deep check's findings checked again now (`SlicedCheck.recheckNow`). */
  recheckDeepCheck(): Promise<DeepCheckReport> {
    return this.#deepCheck.recheckNow(this.ctx.storage, (r) => timelineStub(this.env).reportDeepCheck(r));
  }

  #report(report: DeepCheckReport): Promise<void> {
    return this.#deepCheck.send(report, (r) => timelineStub(this.env).reportDeepCheck(r));
  }

  /** Records the refund of what nobody grabbed and owes it to the sender, if not yet recorded. */
  #refund(row: EnvelopeRow): void {
    this.ctx.storage.transactionSync(() => {
      const { cents } = this.#grabbed();
      const refund = row.amount - cents;
      const written = this.#sql.exec(
        "UPDATE envelope SET refunded = ?, refunded_at = ? WHERE refunded IS NULL",
        refund,
        Date.now(),
      ).rowsWritten;
      const spec = this.#spec(row);
      if (written > 0 && refund > 0) {
        this.#outbox.owe({
          entryId: GROUP_LEDGER.refund.entryId(spec.groupId),
          kind: "group-refund",
          groupId: spec.groupId,
          userId: spec.senderId,
          amountCents: refund,
        });
        logMoney("group_refund", { groupId: spec.groupId, userId: spec.senderId, amountCents: refund });
      }
    });
  }

  #spec(row: EnvelopeRow): GroupSpec {
    return JSON.parse(row.spec) as GroupSpec;
  }

  #state(row: EnvelopeRow, grabbedCount: number, now: number): GroupState {
    if (grabbedCount >= row.count) return "empty";
    if (row.refunded !== null) return "refunded";
    return now >= row.expires_at ? "expired" : "open";
  }

  #row(): EnvelopeRow | undefined {
    return this.#sql.exec<EnvelopeRow>("SELECT spec, amount, count, expires_at, refunded FROM envelope").toArray()[0];
  }

  #grabbed(): { cents: number; n: number } {
    return grabTotals(this.#sql);
  }
}
