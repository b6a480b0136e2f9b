/**
 * LedgerPartition: one partition of the ledger, one SQLite-backed object per partition.
 *
 * Responsible for: the wallets and ledger rows of the users whose id hashes to it
 * (src/money/wallet-ledger.ts routes by user id), so each wallet lives in exactly one
 * partition and a debit never races a credit of the same wallet elsewhere. Every method that
 * writes runs synchronously in one storage transaction: a row and its balance change land
 * together or not at all. Every money movement is one row whose primary key is its
 * idempotency key, so a replayed settlement changes nothing.
 *
 * Its alarm runs the deep check (deep-check.ts): every wallet against its rows, in bounded
 * slices, findings reported to the show clock. The repair arms it (`recomputeWallets`); the
 * alarm has no other task.
 */
import { DurableObject } from "cloudflare:workers";
import { ENVELOPE_KIND, type LedgerEntryView } from "../../src/domain/settlement";
import type { LedgerGroupSums } from "../../src/domain/group-audit";
import type { LedgerPoolSums } from "../../src/domain/settlement-audit";
import type { DebitResult, LedgerCredit, WalletDebit } from "../../src/wire/rpc";
import type { DeepCheckReport } from "../../src/wire/index";
import { timelineStub } from "../../src/objects";
import { DEFAULT_BOUNDS, type SliceResult, SlicedCheck } from "../sliced-check";
import { WalletRows } from "./deep-check";
import { keepTotals } from "./totals";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger (
  entry_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
  claim_id TEXT UNIQUE,
  pool_id TEXT,
  phase_id TEXT,
  sponsor_id TEXT,
  ref TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS ledger_user ON ledger (user_id, created_at);
CREATE INDEX IF NOT EXISTS ledger_pool ON ledger (pool_id) WHERE pool_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ledger_ref ON ledger (ref) WHERE ref IS NOT NULL;
CREATE TABLE IF NOT EXISTS wallets (
  user_id TEXT PRIMARY KEY,
  balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
  updated_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS refused_debits (
  entry_id TEXT PRIMARY KEY,
  refused_at INTEGER NOT NULL
);
`;

/** What the operator's audit reads from one partition, in one call. */
export interface PartitionAudit {
  /** Settled envelope money per pool. */
  pools: LedgerPoolSums[];
  traced: TracedRows;
}

/** What `#traceRows` reports for the audit. */
export interface TracedRows {
  mismatched: { userId: string; diff: number }[];
  stray: { n: number; cents: number };
  groupRefs: { ref: string; n: number; cents: number }[];
}

/** What `wallet` reads: the balance, the newest rows, and which of the asked claims are settled. */
export interface WalletRead {
  balanceCents: number;
  rows: LedgerEntryView[];
  settledClaimIds: string[];
}

/** How many of a user's newest ledger rows the wallet shows (the balance and pending never depend on it). */
const WALLET_ROWS = 200;

export class LedgerPartition extends DurableObject<Env> {
  #sql: SqlStorage;
  #deepCheck: SlicedCheck;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA);
    keepTotals(ctx.storage);
    this.#deepCheck = new SlicedCheck(this.#sql, new WalletRows(this.#sql));
  }

  async alarm(): Promise<void> {
    await this.checkSlice();
  }

  /**
   * One slice of the deep check (its work stops after `budgetMs`, the alarm's default
   * SLICE_BUDGET_MS), its report to the show clock when its findings changed or a run finished,
   * then the next slice (or the next run) on the alarm. A report that fails is sent again with
   * the next slice. Null when the check is not armed.
   */
  async checkSlice(budgetMs = DEFAULT_BOUNDS.budgetMs): Promise<SliceResult | null> {
    const result = this.ctx.storage.transactionSync(() => this.#deepCheck.slice(Date.now(), { ...DEFAULT_BOUNDS, budgetMs }));
    if (!result) return null;
    if (result.report) await this.#report(result.report);
    await this.ctx.storage.setAlarm(result.nextAt);
    return result;
  }

  /** The deep check's findings checked again now (`SlicedCheck.recheckNow`). */
  recheckDeepCheck(): Promise<DeepCheckReport> {
    return this.#deepCheck.recheckNow(this.ctx.storage, (r) => timelineStub(this.env).reportDeepCheck(r));
  }

  #report(report: DeepCheckReport): Promise<void> {
    return this.#deepCheck.send(report, (r) => timelineStub(this.env).reportDeepCheck(r));
  }

  /**
   * Writes each credit once, however often it is replayed; returns the entry ids written afterwards (now or before).
   * A settlement batch is thousands of credits: the rows go in with one statement, and each
   * wallet they reach moves once by the sum of its new rows, with another.
   */
  credit(credits: LedgerCredit[], now: number): string[] {
    return this.ctx.storage.transactionSync(() => {
      const inserted = this.#sql
        .exec<{ user_id: string; amount_cents: number }>(
          `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, claim_id, pool_id, phase_id, sponsor_id, ref, created_at)
           SELECT value ->> 'entryId', value ->> 'userId', value ->> 'kind', value ->> 'amountCents', value ->> 'claimId',
                  value ->> 'poolId', value ->> 'phaseId', value ->> 'sponsorId', value ->> 'ref', ?2
           FROM json_each(?1) WHERE true
           ON CONFLICT DO NOTHING RETURNING user_id, amount_cents`,
          JSON.stringify(credits),
          now,
        )
        .toArray();
      const moved = new Map<string, number>();
      for (const row of inserted) moved.set(row.user_id, (moved.get(row.user_id) ?? 0) + row.amount_cents);
      if (moved.size > 0) {
        this.#sql.exec(
          `INSERT INTO wallets (user_id, balance_cents, updated_at)
           SELECT value ->> 0, value ->> 1, ?2 FROM json_each(?1) WHERE true
           ON CONFLICT (user_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents, updated_at = excluded.updated_at`,
          JSON.stringify([...moved]),
          now,
        );
      }
      return this.#written(credits.map((c) => c.entryId));
    });
  }

  /**
   * Cancels the debit `debitEntryId`, in one transaction: if it is in the ledger, writes the
   * compensating `credit` once; if not, refuses that debit for good, so a request still on its
   * way cannot take the money after its envelope was cancelled. Returns whether the credit is written.
   */
  cancelDebit(credit: LedgerCredit, debitEntryId: string, now: number): boolean {
    return this.ctx.storage.transactionSync(() => {
      if (this.#written([debitEntryId]).length === 1) this.#write(credit, credit.amountCents, now);
      else this.#sql.exec("INSERT OR IGNORE INTO refused_debits (entry_id, refused_at) VALUES (?, ?)", debitEntryId, now);
      return this.#written([credit.entryId]).length === 1;
    });
  }

  /**
   * Takes `amountCents` from the user's settled balance if it is there; a replay returns the
   * first answer, and a debit cancelled before it came (`cancelDebit`) is refused.
   */
  debit(debit: WalletDebit, now: number): DebitResult {
    return this.ctx.storage.transactionSync(() => {
      const refused = this.#sql.exec("SELECT 1 FROM refused_debits WHERE entry_id = ?", debit.entryId).toArray().length > 0;
      if (refused) return { status: "refused", balanceCents: this.#balance(debit.userId) };
      const done = this.#written([debit.entryId]).length === 1;
      if (!done && this.#balance(debit.userId) >= debit.amountCents) {
        this.#write({ ...debit, ref: debit.ref ?? undefined }, -debit.amountCents, now);
        return { status: "debited", balanceCents: this.#balance(debit.userId) };
      }
      return { status: done ? "debited" : "insufficient", balanceCents: this.#balance(debit.userId) };
    });
  }

  /**
   * A user's settled balance, newest ledger rows, and which of `claimIds` (the user's claims on
   * their shard) the ledger holds: read in one go, so pending (claims without a row) can never
   * disagree with the balance however many rows the wallet has.
   */
  wallet(userId: string, claimIds: string[] = []): WalletRead {
    const rows = this.#sql
      .exec<LedgerEntryView & Record<string, SqlStorageValue>>(
        `SELECT entry_id AS entryId, kind, amount_cents AS amountCents, claim_id AS claimId, sponsor_id AS sponsorId,
                phase_id AS phaseId, created_at AS createdAt FROM ledger
         WHERE user_id = ? ORDER BY created_at DESC, entry_id LIMIT ${WALLET_ROWS}`,
        userId,
      )
      .toArray();
    return { balanceCents: this.#balance(userId), rows, settledClaimIds: this.claimsWritten(claimIds) };
  }

  /** Settled envelope money per pool, for the audit (from the totals). */
  poolSums(): LedgerPoolSums[] {
    return this.#poolSums();
  }

  #poolSums(): LedgerPoolSums[] {
    return this.#sql
      .exec<LedgerPoolSums & Record<string, SqlStorageValue>>(
        `SELECT pool_id AS poolId, SUM(count) AS count, SUM(cents) AS cents FROM ledger_totals
         WHERE kind = ? GROUP BY pool_id HAVING SUM(count) <> 0`,
        ENVELOPE_KIND,
      )
      .toArray();
  }

  /** The operator's audit of this partition in one call, from its totals. */
  auditFigures(groupKinds: string[], limit: number): PartitionAudit {
    return this.ctx.storage.transactionSync(() => ({ pools: this.#poolSums(), traced: this.#traceRows(groupKinds, limit) }));
  }

  /** Group money per envelope and kind, for the audit (from the totals). */
  groupSums(kinds: string[]): LedgerGroupSums[] {
    return this.#sql
      .exec<LedgerGroupSums & Record<string, SqlStorageValue>>(
        `SELECT ref AS groupId, kind, SUM(cents) AS cents FROM ledger_totals
         WHERE kind IN (SELECT value FROM json_each(?)) GROUP BY ref, kind HAVING SUM(count) <> 0`,
        JSON.stringify(kinds),
      )
      .toArray();
  }

  /**
   * For the audit, from the totals: rows that are neither a claim's credit nor group money,
   * group money by envelope (the worker checks those envelopes against the D1 registry), and
   * the wallets whose balance differs from the sum of their rows (at most `limit`): looked for
   * row by row only when the sum of the balances differs from the sum of the rows.
   */
  #traceRows(groupKinds: string[], limit: number): TracedRows {
    const kinds = JSON.stringify(groupKinds);
    const stray = this.#sql
      .exec<{ n: number; cents: number }>(
        `SELECT COALESCE(SUM(count), 0) AS n, COALESCE(SUM(cents), 0) AS cents FROM ledger_totals
          WHERE NOT (kind = ? AND with_claim) AND kind NOT IN (SELECT value FROM json_each(?))`,
        ENVELOPE_KIND,
        kinds,
      )
      .one();
    const groupRefs = this.#sql
      .exec<{ ref: string; n: number; cents: number }>(
        `SELECT ref, SUM(count) AS n, SUM(cents) AS cents FROM ledger_totals
          WHERE kind IN (SELECT value FROM json_each(?)) GROUP BY ref HAVING SUM(count) <> 0`,
        kinds,
      )
      .toArray();
    return { mismatched: this.#walletsDrifted() ? this.#mismatched(limit) : [], stray, groupRefs };
  }

  /** Whether the wallets' balances add up to something else than the ledger's rows (two reads of the totals). */
  #walletsDrifted(): boolean {
    const rows = this.#sql.exec<{ v: number }>("SELECT COALESCE(SUM(cents), 0) AS v FROM ledger_totals").one().v;
    const balances = this.#sql.exec<{ v: number }>("SELECT balance_cents AS v FROM wallet_totals").one().v;
    return rows !== balances;
  }

  #mismatched(limit: number): { userId: string; diff: number }[] {
    return this.#sql
      .exec<{ userId: string; diff: number }>(
        `SELECT w.user_id AS userId, w.balance_cents - COALESCE((SELECT SUM(amount_cents) FROM ledger l WHERE l.user_id = w.user_id), 0) AS diff
           FROM wallets w WHERE diff <> 0 LIMIT ?`,
        limit,
      )
      .toArray();
  }

  /**
   * Sets every wallet whose balance differs from its rows to their sum; returns how many. Reads
   * the wallets only when the totals say their balances drifted from the rows. Arms the deep
   * check under `source` the first time (the minute repair calls this on every partition).
   */
  recomputeWallets(now: number, source?: string): number {
    if (source !== undefined && !this.#deepCheck.armed()) {
      this.#deepCheck.arm(source);
      // The deep check is the alarm's only task, so an unarmed check has no alarm to keep.
      void this.ctx.storage.setAlarm(now);
    }
    return this.ctx.storage.transactionSync(() => {
      if (!this.#walletsDrifted()) return 0;
      const users = this.#sql
        .exec<{ user_id: string }>(
          `SELECT w.user_id FROM wallets w
            WHERE w.balance_cents <> COALESCE((SELECT SUM(amount_cents) FROM ledger l WHERE l.user_id = w.user_id), 0)`,
        )
        .toArray();
      for (const { user_id } of users) {
        this.#sql.exec(
          "UPDATE wallets SET balance_cents = (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE user_id = ?1), updated_at = ?2 WHERE user_id = ?1",
          user_id,
          now,
        );
      }
      return users.length;
    });
  }

  /** The partition's SQLite size in bytes (for the capacity figures). */
  storageBytes(): number {
    return this.#sql.databaseSize;
  }

  /** Which of these claims have their ledger row here. */
  claimsWritten(claimIds: string[]): string[] {
    return this.#sql
      .exec<{ claim_id: string }>(
        "SELECT claim_id FROM ledger WHERE claim_id IN (SELECT value FROM json_each(?))",
        JSON.stringify(claimIds),
      )
      .toArray()
      .map((r) => r.claim_id);
  }

  /** Inserts the row once and moves the wallet's balance by `signedCents` only when it did. */
  #write(entry: LedgerCredit, signedCents: number, now: number): void {
    const inserted = this.#sql
      .exec(
        `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, claim_id, pool_id, phase_id, sponsor_id, ref, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING entry_id`,
        entry.entryId,
        entry.userId,
        entry.kind,
        signedCents,
        entry.claimId ?? null,
        entry.poolId ?? null,
        entry.phaseId ?? null,
        entry.sponsorId ?? null,
        entry.ref ?? null,
        now,
      )
      .toArray();
    if (inserted.length === 0) return;
    // A debit only runs against a wallet that covers it; a credit may open the wallet.
    this.#sql.exec(
      signedCents < 0
        ? "UPDATE wallets SET balance_cents = balance_cents + ?2, updated_at = ?3 WHERE user_id = ?1"
        : `INSERT INTO wallets (user_id, balance_cents, updated_at) VALUES (?1, ?2, ?3)
           ON CONFLICT (user_id) DO UPDATE SET balance_cents = balance_cents + excluded.balance_cents, updated_at = excluded.updated_at`,
      entry.userId,
      signedCents,
      now,
    );
  }

  #balance(userId: string): number {
    return this.#sql.exec<{ b: number }>("SELECT balance_cents AS b FROM wallets WHERE user_id = ?", userId).toArray()[0]?.b ?? 0;
  }

  #written(entryIds: string[]): string[] {
    return this.#sql
      .exec<{ entry_id: string }>(
        "SELECT entry_id FROM ledger WHERE entry_id IN (SELECT value FROM json_each(?))",
        JSON.stringify(entryIds),
      )
      .toArray()
      .map((r) => r.entry_id);
  }
}
