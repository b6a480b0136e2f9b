/**
 * The D1 ledger and wallets (schema in migrations/). Every money movement is one ledger row
 * whose primary key is its idempotency key; a user's `wallets.balance_cents` is recomputed
 * from their rows in the same D1 batch that writes them. A D1 batch runs as one transaction,
 * so a row and its balance change land together or not at all, and replaying a batch
 * changes nothing.
 */
import { claimEntryId, ENVELOPE_KIND, type LedgerEntryView } from "../domain/settlement";
import type { LedgerPoolSums } from "../domain/settlement-audit";
import type { AuditProblem, SettlementClaim } from "../wire/index";
import { GROUP_LEDGER } from "../domain/group-envelope";

/** How many of a user's newest ledger rows the wallet shows. */
export const WALLET_ROWS = 200;

export function recomputeBalance(db: D1Database, userId: string, now: number): D1PreparedStatement {
  return db
    .prepare(
      `INSERT INTO wallets (user_id, balance_cents, updated_at)
       VALUES (?1, (SELECT COALESCE(SUM(amount_cents), 0) FROM ledger WHERE user_id = ?1), ?2)
       ON CONFLICT (user_id) DO UPDATE SET balance_cents = excluded.balance_cents, updated_at = excluded.updated_at`,
    )
    .bind(userId, now);
}

/** One ledger credit; `entryId` is its idempotency key. */
export interface LedgerCredit {
  entryId: string;
  userId: string;
  kind: string;
  amountCents: number;
  claimId?: string;
  poolId?: string;
  phaseId?: string;
  sponsorId?: string;
  ref?: string;
}

/**
 * Writes each credit exactly once, however often it is replayed, with the winners' new
 * balances; returns the entry ids the ledger holds afterwards (read in the same transaction),
 * so a caller confirms only what is really there.
 */
export async function creditLedger(db: D1Database, credits: readonly LedgerCredit[], now: number): Promise<Set<string>> {
  if (credits.length === 0) return new Set();
  const insert = db.prepare(
    `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, claim_id, pool_id, phase_id, sponsor_id, ref, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  );
  const users = [...new Set(credits.map((c) => c.userId))];
  const results = await db.batch([
    ...credits.map((c) =>
      insert.bind(c.entryId, c.userId, c.kind, c.amountCents, c.claimId ?? null, c.poolId ?? null, c.phaseId ?? null, c.sponsorId ?? null, c.ref ?? null, now),
    ),
    ...users.map((userId) => recomputeBalance(db, userId, now)),
    db
      .prepare("SELECT entry_id FROM ledger WHERE entry_id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(credits.map((c) => c.entryId))),
  ]);
  const held = results[results.length - 1].results as { entry_id: string }[];
  return new Set(held.map((r) => r.entry_id));
}

/** Credits each claim to its winner exactly once; returns the claim ids the ledger holds. */
export async function creditClaims(db: D1Database, claims: readonly SettlementClaim[], now: number): Promise<Set<string>> {
  const held = await creditLedger(
    db,
    claims.map((c) => ({
      entryId: claimEntryId(c.claimId),
      userId: c.userId,
      kind: ENVELOPE_KIND,
      amountCents: c.amountCents,
      claimId: c.claimId,
      poolId: c.poolId,
      phaseId: c.phaseId,
      sponsorId: c.sponsorId,
    })),
    now,
  );
  return new Set(claims.filter((c) => held.has(claimEntryId(c.claimId))).map((c) => c.claimId));
}

export interface WalletDebit {
  /** Idempotency key of the debit, e.g. `group:<groupId>`; a replay returns the first answer. */
  entryId: string;
  userId: string;
  kind: string;
  amountCents: number;
  ref: string | null;
}

export type DebitResult = { status: "debited" | "insufficient"; balanceCents: number };

/**
 * Takes `amountCents` from the user's settled balance if it is there, atomically: the
 * balance check, the debit row and the new balance are one D1 transaction, and D1 runs one
 * transaction at a time per database, so two debits can never spend the same cents.
 */
export async function debitWallet(db: D1Database, debit: WalletDebit, now: number): Promise<DebitResult> {
  const [, , outcome] = await db.batch([
    db
      .prepare(
        `INSERT INTO ledger (entry_id, user_id, kind, amount_cents, ref, created_at)
         SELECT ?1, ?2, ?3, -?4, ?5, ?6 WHERE (SELECT balance_cents FROM wallets WHERE user_id = ?2) >= ?4
         ON CONFLICT DO NOTHING`,
      )
      .bind(debit.entryId, debit.userId, debit.kind, debit.amountCents, debit.ref, now),
    recomputeBalance(db, debit.userId, now),
    db
      .prepare(
        `SELECT EXISTS (SELECT 1 FROM ledger WHERE entry_id = ?1 AND user_id = ?2) AS debited,
                (SELECT balance_cents FROM wallets WHERE user_id = ?2) AS balance`,
      )
      .bind(debit.entryId, debit.userId),
  ]);
  const row = (outcome.results as { debited: number; balance: number | null }[])[0];
  return { status: row.debited ? "debited" : "insufficient", balanceCents: row.balance ?? 0 };
}

/** A user's settled balance and newest ledger rows. */
export async function walletRows(
  db: D1Database,
  userId: string,
): Promise<{ balanceCents: number; rows: LedgerEntryView[] }> {
  const [balance, rows] = await db.batch([
    db.prepare("SELECT balance_cents FROM wallets WHERE user_id = ?").bind(userId),
    db
      .prepare(
        `SELECT entry_id AS entryId, kind, amount_cents AS amountCents, claim_id AS claimId, sponsor_id AS sponsorId,
                phase_id AS phaseId, created_at AS createdAt FROM ledger
         WHERE user_id = ? ORDER BY created_at DESC, entry_id LIMIT ${WALLET_ROWS}`,
      )
      .bind(userId),
  ]);
  const balanceRow = (balance.results as { balance_cents: number }[])[0];
  return { balanceCents: balanceRow?.balance_cents ?? 0, rows: rows.results as LedgerEntryView[] };
}

/** Settled envelope money per pool, for the audit. */
export async function settledByPool(db: D1Database): Promise<LedgerPoolSums[]> {
  const { results } = await db
    .prepare(
      `SELECT pool_id AS poolId, COUNT(*) AS count, SUM(amount_cents) AS cents FROM ledger
       WHERE kind = '${ENVELOPE_KIND}' GROUP BY pool_id`,
    )
    .all<LedgerPoolSums>();
  return results;
}

/** Which of these claims already have their ledger row. */
export async function claimsInLedger(db: D1Database, claimIds: readonly string[]): Promise<Set<string>> {
  if (claimIds.length === 0) return new Set();
  const { results } = await db
    .prepare("SELECT claim_id FROM ledger WHERE claim_id IN (SELECT value FROM json_each(?))")
    .bind(JSON.stringify(claimIds))
    .all<{ claim_id: string }>();
  return new Set(results.map((r) => r.claim_id));
}

/** How many mismatched wallets one audit names at most (one is enough to fail it). */
const WALLET_PROBLEMS = 100;

/**
 * Every wallet cent traced: a wallet's balance must equal the sum of its ledger rows, and every
 * ledger row must be a claim's credit or group money of a registered envelope. Read straight
 * from the ledger's rows (a full scan: an operator's audit, not a hot path).
 */
export async function walletProblems(db: D1Database): Promise<AuditProblem[]> {
  const groupKinds = JSON.stringify(Object.values(GROUP_LEDGER).map((k) => k.kind));
  const [wallets, untraced] = await db.batch([
    db.prepare(
      `SELECT w.user_id AS userId, w.balance_cents - COALESCE((SELECT SUM(amount_cents) FROM ledger l WHERE l.user_id = w.user_id), 0) AS diff
       FROM wallets w WHERE diff <> 0 LIMIT ${WALLET_PROBLEMS}`,
    ),
    db
      .prepare(
        `SELECT COUNT(*) AS n, COALESCE(SUM(amount_cents), 0) AS cents FROM ledger
         WHERE NOT (kind = '${ENVELOPE_KIND}' AND claim_id IS NOT NULL)
           AND NOT (kind IN (SELECT value FROM json_each(?)) AND ref IN (SELECT group_id FROM group_envelopes))`,
      )
      .bind(groupKinds),
  ]);
  const problems: AuditProblem[] = (wallets.results as { userId: string; diff: number }[]).map((w) => ({
    place: `wallet:${w.userId}`,
    problem: "balance differs from the sum of the user's ledger rows",
    cents: w.diff,
  }));
  const stray = (untraced.results as { n: number; cents: number }[])[0];
  if (stray.n > 0) {
    problems.push({ place: "ledger", problem: `${stray.n} ledger row(s) trace to no claim and no registered group envelope`, cents: stray.cents });
  }
  return problems;
}

/** Recomputes the balances of wallets that differ from their ledger rows; returns how many. */
export async function recomputeWallets(db: D1Database, now: number): Promise<number> {
  const problems = await walletProblems(db);
  const users = problems.flatMap((p) => (p.place.startsWith("wallet:") ? [p.place.slice("wallet:".length)] : []));
  if (users.length > 0) await db.batch(users.map((userId) => recomputeBalance(db, userId, now)));
  return users.length;
}
