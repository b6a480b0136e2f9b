/**
 * Group envelopes: the registry in D1 (one row per envelope, written before its object is
 * created) and the ledger rows of group money in the wallets' partitions, all carrying the
 * group id in `ref`. Every write is idempotent by key, so replays change nothing.
 */
import type { LedgerGroupSums, RegisteredGroup } from "../domain/group-audit";
import { GROUP_LEDGER } from "../domain/group-envelope";
import { cancelDebit, creditLedger, groupSums } from "./wallet-ledger";
import type { SettledGroupTotals } from "../wire/index";
import type { GroupCredit, GroupFigures, GroupSpec } from "../wire/rpc";

export type RegistryStatus = RegisteredGroup["status"];

export interface Registration {
  spec: GroupSpec;
  status: RegistryStatus;
}

/** Registers `spec` under `sourceRef` unless something already is; returns what is registered. */
export async function registerGroup(db: D1Database, sourceRef: string, spec: GroupSpec, now: number): Promise<Registration> {
  const [, found] = await db.batch([
    db
      .prepare(
        `INSERT INTO group_envelopes (group_id, source_ref, sender_id, funding, amount_cents, spec, status, created_at, due_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?, ?) ON CONFLICT (source_ref) DO NOTHING`,
      )
      .bind(spec.groupId, sourceRef, spec.senderId, spec.funding, spec.amountCents, JSON.stringify(spec), now, spec.expiresAt),
    db.prepare("SELECT spec, status FROM group_envelopes WHERE source_ref = ?").bind(sourceRef),
  ]);
  const row = (found.results as { spec: string; status: RegistryStatus }[])[0];
  return { spec: JSON.parse(row.spec) as GroupSpec, status: row.status };
}

export async function markCreated(db: D1Database, groupId: string): Promise<void> {
  await db.prepare("UPDATE group_envelopes SET status = 'created' WHERE group_id = ? AND status = 'pending'").bind(groupId).run();
}

/**
 * Gives a cancelled seed registration a new envelope id (the old one's object refused
 * creation for good), so its winner can share it after all; a concurrent retry that already
 * did so wins, and both read the same registration back. Seed envelopes debit no wallet, so
 * a cancelled one holds no money.
 */
export async function reviveSeedGroup(db: D1Database, sourceRef: string, cancelledId: string, spec: GroupSpec): Promise<Registration> {
  const [, found] = await db.batch([
    db
      .prepare(
        `UPDATE group_envelopes SET group_id = ?, spec = ?, status = 'pending', created_at = ?, settled_at = NULL, due_at = ?
         WHERE source_ref = ? AND group_id = ? AND status = 'cancelled' AND funding = 'seed'`,
      )
      .bind(spec.groupId, JSON.stringify(spec), spec.createdAt, spec.expiresAt, sourceRef, cancelledId),
    db.prepare("SELECT spec, status FROM group_envelopes WHERE source_ref = ?").bind(sourceRef),
  ]);
  const row = (found.results as { spec: string; status: RegistryStatus }[])[0];
  return { spec: JSON.parse(row.spec) as GroupSpec, status: row.status };
}

/** Registrations still waiting for their object since before `before` (for the repair). */
export async function pendingRegistrations(db: D1Database, before: number): Promise<GroupSpec[]> {
  const { results } = await db
    .prepare("SELECT spec FROM group_envelopes WHERE status = 'pending' AND created_at < ? ORDER BY created_at")
    .bind(before)
    .all<{ spec: string }>();
  return results.map((r) => JSON.parse(r.spec) as GroupSpec);
}

/** A created envelope due for the repair, with the due time the registry holds. */
export interface DueGroup {
  groupId: string;
  dueAt: number;
}

/**
 * Created envelopes not settled yet and due at or before `before`, a page of `limit` after the
 * cursor in (due time, id) order (for the repair): read through the due-time index, so the
 * rows read grow with the envelopes due, not with those in motion.
 */
export async function dueCreatedGroups(db: D1Database, before: number, after: DueGroup, limit: number): Promise<DueGroup[]> {
  const { results } = await db
    .prepare(
      `SELECT group_id AS groupId, due_at AS dueAt FROM group_envelopes
        WHERE settled_at IS NULL AND due_at <= ?1 AND (due_at > ?2 OR (due_at = ?2 AND group_id > ?3)) AND status = 'created'
        ORDER BY due_at, group_id LIMIT ?4`,
    )
    .bind(before, after.dueAt, after.groupId, limit)
    .all<DueGroup>();
  return results;
}

/**
 * The envelope may need the repair from `at` on: its due time is lowered to `at` unless it is
 * already sooner. Its object calls this before a write that owes the ledger a credit.
 */
export async function noteGroupDue(db: D1Database, groupId: string, at: number): Promise<void> {
  await db.prepare("UPDATE group_envelopes SET due_at = MIN(due_at, ?) WHERE group_id = ? AND settled_at IS NULL").bind(at, groupId).run();
}

/** The envelope's next due time, as its object computed it after a repair visit. */
export async function setGroupDue(db: D1Database, groupId: string, at: number): Promise<void> {
  await db.prepare("UPDATE group_envelopes SET due_at = ? WHERE group_id = ? AND settled_at IS NULL").bind(at, groupId).run();
}

/** Credits group money (grabbed shares, refunds) exactly once per entry id; returns the entry ids the ledger holds. */
export function creditGroups(env: Env, credits: readonly GroupCredit[], now: number): Promise<Set<string>> {
  return creditLedger(
    env,
    credits.map((c) => ({ entryId: c.entryId, userId: c.userId, kind: c.kind, amountCents: c.amountCents, ref: c.groupId })),
    now,
  );
}

/**
 * Cancels an envelope whose object will never exist: a wallet-funded one's debit is given back
 * (once, if it was written) or refused for good (if it was not yet: a request between its
 * registration and its debit then takes nothing), then the registration is marked cancelled.
 * Both steps are idempotent, so a retry after a failure between them finishes.
 */
export async function cancelGroup(env: Env, spec: GroupSpec, now: number): Promise<void> {
  const givenBack = spec.funding === "wallet" && (await cancelDebitOf(env, spec, now)) ? spec.amountCents : 0;
  await env.DB.batch([
    env.DB.prepare("UPDATE group_envelopes SET status = 'cancelled' WHERE group_id = ?").bind(spec.groupId),
    ...settleStatements(env.DB, { ...spec, fundedCents: givenBack, cancelledCents: givenBack, grabbedCents: 0, refundedCents: 0 }, now),
  ]);
}

/** Gives the debit back or refuses it; true when the compensating credit is written. */
function cancelDebitOf(env: Env, spec: GroupSpec, now: number): Promise<boolean> {
  return cancelDebit(
    env,
    {
      entryId: GROUP_LEDGER.cancel.entryId(spec.groupId),
      userId: spec.senderId,
      kind: GROUP_LEDGER.cancel.kind,
      amountCents: spec.amountCents,
      ref: spec.groupId,
    },
    GROUP_LEDGER.send.entryId(spec.groupId),
    now,
  );
}

/** An envelope's final figures, folded into the settled totals when it is marked settled. */
export interface FinalFigures {
  groupId: string;
  funding: GroupSpec["funding"];
  amountCents: number;
  fundedCents: number;
  cancelledCents: number;
  grabbedCents: number;
  refundedCents: number;
}

/** A created envelope's final figures from its object: funded with its amount (the wallet debit or the split budget). */
export function finalFigures(f: GroupFigures): FinalFigures {
  const { groupId, funding, amountCents, grabbedCents, refundedCents } = f;
  return { groupId, funding, amountCents, fundedCents: amountCents, cancelledCents: 0, grabbedCents, refundedCents };
}

/**
 * Folds the figures into the totals only while the envelope is not settled, then marks it
 * settled: run in one batch (one D1 transaction), so a repeat or a concurrent repair folds
 * nothing twice.
 */
function settleStatements(db: D1Database, f: FinalFigures, now: number): D1PreparedStatement[] {
  return [
    db
      .prepare(
        `UPDATE group_settled_totals SET envelopes = envelopes + 1, amount_cents = amount_cents + ?, funded_cents = funded_cents + ?,
           cancelled_cents = cancelled_cents + ?, grabbed_cents = grabbed_cents + ?, refunded_cents = refunded_cents + ?
         WHERE funding = ? AND EXISTS (SELECT 1 FROM group_envelopes WHERE group_id = ? AND settled_at IS NULL)`,
      )
      .bind(f.amountCents, f.fundedCents, f.cancelledCents, f.grabbedCents, f.refundedCents, f.funding, f.groupId),
    db.prepare("UPDATE group_envelopes SET settled_at = ? WHERE group_id = ? AND settled_at IS NULL").bind(now, f.groupId),
  ];
}

/** Marks created envelopes settled (refunded or emptied, nothing owed), folding their figures in. */
export async function settleGroups(db: D1Database, finals: readonly FinalFigures[], now: number): Promise<void> {
  if (finals.length > 0) await db.batch(finals.flatMap((f) => settleStatements(db, f, now)));
}

/** The settled envelopes' totals per funding. */
const SETTLED_TOTALS = `SELECT funding, envelopes, amount_cents AS amountCents, funded_cents AS fundedCents, cancelled_cents AS cancelledCents,
         grabbed_cents AS grabbedCents, refunded_cents AS refundedCents FROM group_settled_totals ORDER BY funding`;

/**
 * The ledger sums of group money, then the envelopes not settled yet and the settled totals
 * (one D1 batch), for the audit. The ledger is read first: an envelope is registered before
 * its debit, and settled only once the ledger holds all its money, so every debit read is of
 * an envelope the registry read after it knows, and a settled envelope's rows are all read.
 */
export async function groupBooks(
  env: Env,
): Promise<{ registry: RegisteredGroup[]; sums: LedgerGroupSums[]; settled: SettledGroupTotals[] }> {
  const sums = await groupSums(
    env,
    Object.values(GROUP_LEDGER).map((k) => k.kind),
  );
  const [unsettled, totals] = await env.DB.batch([
    env.DB.prepare(
      `SELECT group_id AS groupId, funding, amount_cents AS amountCents, status, created_at AS createdAt, due_at AS dueAt
       FROM group_envelopes WHERE settled_at IS NULL ORDER BY created_at`,
    ),
    env.DB.prepare(SETTLED_TOTALS),
  ]);
  return { registry: unsettled.results as RegisteredGroup[], sums, settled: totals.results as SettledGroupTotals[] };
}
