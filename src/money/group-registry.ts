/**
 * Group envelopes: the registry in D1 (one row per envelope, written before its object is
 * created) and the ledger rows of group money in the wallets' partitions, all carrying the
 * group id in `ref`. Every write is idempotent by key, so replays change nothing.
 */
import type { LedgerGroupSums, RegisteredGroup } from "../domain/group-audit";
import { GROUP_LEDGER } from "../domain/group-envelope";
import { cancelDebit, creditLedger, groupSums } from "./wallet-ledger";
import type { GroupCredit, GroupSpec } from "../wire/rpc";

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
        `INSERT INTO group_envelopes (group_id, source_ref, sender_id, funding, amount_cents, spec, status, created_at)
         VALUES (?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (source_ref) DO NOTHING`,
      )
      .bind(spec.groupId, sourceRef, spec.senderId, spec.funding, spec.amountCents, JSON.stringify(spec), now),
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
        `UPDATE group_envelopes SET group_id = ?, spec = ?, status = 'pending', created_at = ?
         WHERE source_ref = ? AND group_id = ? AND status = 'cancelled' AND funding = 'seed'`,
      )
      .bind(spec.groupId, JSON.stringify(spec), spec.createdAt, sourceRef, cancelledId),
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

/** Every created envelope's id (for the repair). */
export async function createdGroupIds(db: D1Database): Promise<string[]> {
  const { results } = await db.prepare("SELECT group_id FROM group_envelopes WHERE status = 'created'").all<{ group_id: string }>();
  return results.map((r) => r.group_id);
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
  if (spec.funding === "wallet") await cancelDebitOf(env, spec, now);
  await env.DB.prepare("UPDATE group_envelopes SET status = 'cancelled' WHERE group_id = ?").bind(spec.groupId).run();
}

async function cancelDebitOf(env: Env, spec: GroupSpec, now: number): Promise<void> {
  await cancelDebit(
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

/**
 * The ledger sums of group money, then every registered group envelope, for the audit. The
 * ledger is read first: an envelope is registered before its debit, so every debit read is
 * of an envelope the registry read after it knows.
 */
export async function groupBooks(env: Env): Promise<{ registry: RegisteredGroup[]; sums: LedgerGroupSums[] }> {
  const sums = await groupSums(
    env,
    Object.values(GROUP_LEDGER).map((k) => k.kind),
  );
  const { results } = await env.DB.prepare(
    `SELECT group_id AS groupId, funding, amount_cents AS amountCents, status, created_at AS createdAt
     FROM group_envelopes ORDER BY created_at`,
  ).all<RegisteredGroup>();
  return { registry: results, sums };
}
