/**
 * The ledger and wallets, partitioned by user id across LedgerPartition objects
 * (durable-objects/ledger-partition.ts): each wallet and its rows live in exactly one
 * partition, chosen by `ledgerOf(env, userId)`. Writes go to the partitions of the users
 * they concern, in parallel; the audit's reads fan out to every partition and add up.
 * Every money movement is one row keyed by its idempotency key, so replays change nothing.
 */
import { groupBy } from "../domain/group-by";
import { claimEntryId, ENVELOPE_KIND } from "../domain/settlement";
import type { WalletRead } from "../../durable-objects/ledger-partition";
import type { LedgerGroupSums } from "../domain/group-audit";
import type { LedgerPoolSums } from "../domain/settlement-audit";
import { allLedgerPartitions, ledgerOf, ledgerPartitionOf, ledgerStub } from "../objects";
import { GROUP_LEDGER } from "../domain/group-envelope";
import type { AuditProblem, SettlementClaim } from "../wire/index";
import type { DebitResult, LedgerCredit, WalletDebit } from "../wire/rpc";

/** Writes each credit exactly once, in its user's partition; returns the entry ids the ledger holds. */
export async function creditLedger(env: Env, credits: readonly LedgerCredit[], now: number): Promise<Set<string>> {
  if (credits.length === 0) return new Set();
  const byPartition = groupBy(
    credits,
    (c) => ledgerPartitionOf(env, c.userId),
    (c) => c,
  );
  const written = await Promise.all([...byPartition].map(([partition, part]) => ledgerStub(env, partition).credit(part, now)));
  return new Set(written.flat());
}

/** Credits each claim to its winner exactly once; returns the claim ids the ledger holds. */
export async function creditClaims(env: Env, claims: readonly SettlementClaim[], now: number): Promise<Set<string>> {
  const written = await creditLedger(
    env,
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
  return new Set(claims.filter((c) => written.has(claimEntryId(c.claimId))).map((c) => c.claimId));
}

/**
 * Takes `amountCents` from the user's settled balance if it is there, atomically: the
 * balance check, the debit row and the new balance are one transaction of the wallet's
 * partition, which runs one at a time, so two debits can never spend the same cents.
 */
export function debitWallet(env: Env, debit: WalletDebit, now: number): Promise<DebitResult> {
  return ledgerOf(env, debit.userId).debit(debit, now);
}

/**
 * Cancels a debit in its wallet's partition, atomically against the debit itself: the
 * compensating credit is written once if the debit was, and otherwise the debit is refused for good.
 */
export function cancelDebit(env: Env, credit: LedgerCredit, debitEntryId: string, now: number): Promise<boolean> {
  return ledgerOf(env, credit.userId).cancelDebit(credit, debitEntryId, now);
}

/** A user's settled balance, newest ledger rows, and which of `claimIds` are settled. */
export function walletRows(env: Env, userId: string, claimIds: readonly string[]): Promise<WalletRead> {
  return ledgerOf(env, userId).wallet(userId, [...claimIds]);
}

/** Settled envelope money per pool across every partition (each partition answers from its totals), for the sponsor statement. */
export async function settledByPool(env: Env): Promise<LedgerPoolSums[]> {
  const parts = await Promise.all(allLedgerPartitions(env).map((p) => ledgerStub(env, p).poolSums()));
  return sumByPool(parts.flat());
}

/** The partitions' per-pool sums added up. */
function sumByPool(rows: readonly LedgerPoolSums[]): LedgerPoolSums[] {
  const sums = new Map<string, LedgerPoolSums>();
  for (const row of rows) {
    const sum = sums.get(row.poolId) ?? { poolId: row.poolId, count: 0, cents: 0 };
    sums.set(row.poolId, { ...sum, count: sum.count + row.count, cents: sum.cents + row.cents });
  }
  return [...sums.values()];
}

/** Group money per envelope and kind across every partition, for the audit. */
export async function groupSums(env: Env, kinds: readonly string[]): Promise<LedgerGroupSums[]> {
  const parts = await Promise.all(allLedgerPartitions(env).map((p) => ledgerStub(env, p).groupSums([...kinds])));
  const sums = new Map<string, LedgerGroupSums>();
  for (const row of parts.flat()) {
    const key = `${row.groupId}\u0000${row.kind}`;
    sums.set(key, { ...row, cents: (sums.get(key)?.cents ?? 0) + row.cents });
  }
  return [...sums.values()];
}

/** Which of these claims already have their ledger row (each asked of its winner's partition). */
export async function claimsInLedger(env: Env, claims: readonly { claimId: string; userId: string }[]): Promise<Set<string>> {
  if (claims.length === 0) return new Set();
  const byPartition = groupBy(
    claims,
    (c) => ledgerPartitionOf(env, c.userId),
    (c) => c.claimId,
  );
  const written = await Promise.all([...byPartition].map(([partition, ids]) => ledgerStub(env, partition).claimsWritten(ids)));
  return new Set(written.flat());
}

/** How many ids one registry query binds (one JSON parameter), far below D1's limits. */
const IDS_PER_QUERY = 1000;

/** Which of these group ids are registered (settled or not), asked in slices of IDS_PER_QUERY. */
async function registeredAmong(db: D1Database, groupIds: readonly string[]): Promise<Set<string>> {
  const registered = new Set<string>();
  for (let i = 0; i < groupIds.length; i += IDS_PER_QUERY) {
    const { results } = await db
      .prepare("SELECT group_id FROM group_envelopes WHERE group_id IN (SELECT value FROM json_each(?))")
      .bind(JSON.stringify(groupIds.slice(i, i + IDS_PER_QUERY)))
      .all<{ group_id: string }>();
    for (const r of results) registered.add(r.group_id);
  }
  return registered;
}

/** How many mismatched wallets one audit names at most per partition (one is enough to fail it). */
const WALLET_PROBLEMS = 100;

/**
 * The ledger's part of the operator's audit, one call per partition, read from each
 * partition's running totals: settled envelope money per pool, and every wallet cent traced:
 * the wallets' balances must add up to the ledger's rows (the wallets that do not are named),
 * and every ledger row must be a claim's credit or group money of an envelope registered in D1.
 */
export async function ledgerAudit(env: Env): Promise<{ settled: LedgerPoolSums[]; problems: AuditProblem[] }> {
  const groupKinds = Object.values(GROUP_LEDGER).map((k) => k.kind);
  const parts = await Promise.all(allLedgerPartitions(env).map((p) => ledgerStub(env, p).auditFigures(groupKinds, WALLET_PROBLEMS)));
  const traced = parts.map((part) => part.traced);
  const problems: AuditProblem[] = traced.flatMap((part) =>
    part.mismatched.map((w) => ({
      place: `wallet:${w.userId}`,
      problem: "balance differs from the sum of the user's ledger rows",
      cents: w.diff,
    })),
  );
  const groupRows = traced.flatMap((part) => part.groupRefs);
  const registered = await registeredAmong(env.DB, [...new Set(groupRows.map((g) => g.ref))]);
  const unregistered = groupRows.filter((g) => !registered.has(g.ref));
  const n = traced.reduce((sum, part) => sum + part.stray.n, 0) + unregistered.reduce((sum, g) => sum + g.n, 0);
  const cents = traced.reduce((sum, part) => sum + part.stray.cents, 0) + unregistered.reduce((sum, g) => sum + g.cents, 0);
  if (n > 0) problems.push({ place: "ledger", problem: `${n} ledger row(s) trace to no claim and no registered group envelope`, cents });
  return { settled: sumByPool(parts.flatMap((part) => part.pools)), problems };
}

/** Recomputes the balances of wallets that differ from their ledger rows, in every partition; returns how many. */
export async function recomputeWallets(env: Env, now: number): Promise<number> {
  const counts = await Promise.all(allLedgerPartitions(env).map((p) => ledgerStub(env, p).recomputeWallets(now, `ledger-${p}`)));
  return counts.reduce((a, b) => a + b, 0);
}
