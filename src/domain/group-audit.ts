/**
 * The group envelope audit: each registered envelope's own rows (its object) merged with the
 * ledger. A created envelope balances when its funding matches its amount, amount = grabbed
 * + refunded + still open, every grabbed or refunded cent is either in the ledger or still
 * owed by the envelope's outbox (which keeps a credit until the ledger confirms it), nothing
 * is owed for longer than the bound, and an envelope that expired longer than the bound ago
 * holds nothing open (its refund ran). A cancelled one balances when its debit was given back
 * and no object holds it; a registration without an object balances only within the bound.
 *
 * A created envelope that is not due (the registry's due time, kept by its object, is after
 * the bound: nothing expired, nothing owed since before it) is not read: it is checked from
 * its registry row and the ledger alone (funded with its amount, never given back, the ledger
 * crediting no more than its amount), its figures shown as the ledger holds them.
 */
import type { AuditProblem, Cents, EpochMs, GroupAuditRow, GroupFunding, GroupsAudit, SettledGroupTotals } from "../wire/index";
import type { GroupFigures } from "../wire/rpc";
import { GROUP_LEDGER } from "./group-envelope";

export interface RegisteredGroup {
  groupId: string;
  funding: GroupFunding;
  amountCents: Cents;
  status: GroupAuditRow["status"];
  createdAt: EpochMs;
  /** When the envelope may next need the repair (src/money/group-registry.ts). */
  dueAt: EpochMs;
}

/** Whether the audit reads the envelope's object: a registration not yet created, or one due within the bound. */
export const auditVisits = (group: RegisteredGroup, stuckBefore: EpochMs): boolean =>
  group.status === "pending" || (group.status === "created" && group.dueAt <= stuckBefore);

export interface LedgerGroupSums {
  groupId: string;
  kind: string;
  cents: Cents;
}

function problemOf(
  group: RegisteredGroup,
  own: GroupFigures | undefined,
  money: { fundedCents: Cents; cancelledCents: Cents; settledGrabs: Cents; settledRefund: Cents; pendingCents: Cents },
  stuckBefore: EpochMs,
): string | null {
  const settled = money.settledGrabs + money.settledRefund;
  if (!auditVisits(group, stuckBefore) && group.status === "created") {
    if (money.fundedCents !== group.amountCents) return "funding differs from its amount";
    if (money.cancelledCents !== 0) return "created, but its debit was also given back";
    return settled > group.amountCents ? "the ledger credited more than its amount" : null;
  }
  if (group.status === "cancelled") {
    if (own) return "cancelled, but its object exists";
    if (money.fundedCents !== money.cancelledCents) return "cancelled, but its debit was not given back";
    return settled === 0 ? null : "cancelled, but the ledger credited grabs or a refund";
  }
  if (!own) {
    if (money.cancelledCents !== 0 || settled !== 0) return "no object, but the ledger moved its money";
    if (group.funding === "wallet" && money.fundedCents !== 0 && money.fundedCents !== group.amountCents)
      return "debit differs from its amount";
    if (group.status === "created") return "registered as created, but its object is gone";
    // A wallet registration refused for funds (or not yet debited) holds no money; the repair cancels it.
    if (group.funding === "wallet" && money.fundedCents === 0) return null;
    return group.createdAt < stuckBefore ? "registered (and funded) but never created, past the bound" : null;
  }
  if (own.amountCents !== group.amountCents) return "object amount differs from the registry";
  if (money.fundedCents !== group.amountCents && !(group.status === "pending" && money.fundedCents === 0)) {
    return "funding differs from its amount";
  }
  if (money.cancelledCents !== 0) return "created, but its debit was also given back";
  if (own.grabbedCents + own.refundedCents + own.openCents !== group.amountCents) return "amount ≠ grabbed + refunded + open";
  if (own.grabbedCount > own.count) return "more grabs than shares";
  if (money.settledGrabs > own.grabbedCents || money.settledRefund > own.refundedCents)
    return "the ledger credited more than was grabbed or refunded";
  if (money.pendingCents > own.outboxCents) return "grabbed or refunded cents neither in the ledger nor owed by the outbox";
  if (money.pendingCents > 0 && own.oldestOwedAt !== null && own.oldestOwedAt < stuckBefore) {
    return "credits owed to the ledger for longer than the bound";
  }
  if (own.openCents > 0 && own.expiresAt < stuckBefore) return "expired longer than the bound ago, and not refunded";
  return null;
}

/**
 * Settled envelopes are never read again: their money in the ledger (each kind's group rows
 * outside the envelopes still audited one by one) must equal their folded totals to the cent.
 */
export function settledProblem(
  settled: readonly SettledGroupTotals[],
  ledger: readonly LedgerGroupSums[],
  unsettled: ReadonlySet<string>,
): { problem: string; cents: Cents } | null {
  const outside = (kind: string) => ledger.filter((r) => r.kind === kind && !unsettled.has(r.groupId)).reduce((a, r) => a + r.cents, 0);
  const total = (pick: (t: SettledGroupTotals) => Cents, funding?: GroupFunding) =>
    settled.filter((t) => funding === undefined || t.funding === funding).reduce((a, t) => a + pick(t), 0);
  const checks: [string, Cents, Cents][] = [
    ["wallet debits", -outside(GROUP_LEDGER.send.kind), total((t) => t.fundedCents, "wallet")],
    ["debits given back", outside(GROUP_LEDGER.cancel.kind), total((t) => t.cancelledCents)],
    ["grabs", outside(GROUP_LEDGER.grab.kind), total((t) => t.grabbedCents)],
    ["refunds", outside(GROUP_LEDGER.refund.kind), total((t) => t.refundedCents)],
  ];
  const off = checks.filter(([, inLedger, folded]) => inLedger !== folded);
  if (off.length === 0) return null;
  return {
    problem: `settled envelopes: the ledger differs from their totals (${off.map(([what, l, t]) => `${what}: ledger ${l}, totals ${t}`).join("; ")})`,
    cents: off.reduce((a, [, l, t]) => a + Math.abs(l - t), 0),
  };
}

export function auditGroups(
  registry: readonly RegisteredGroup[],
  figures: ReadonlyMap<string, GroupFigures>,
  ledger: readonly LedgerGroupSums[],
  stuckBefore: EpochMs,
  settled: readonly SettledGroupTotals[] = [],
): GroupsAudit {
  const sums = new Map<string, Cents>();
  for (const row of ledger) sums.set(`${row.groupId}|${row.kind}`, (sums.get(`${row.groupId}|${row.kind}`) ?? 0) + row.cents);
  const sum = (groupId: string, kind: string) => sums.get(`${groupId}|${kind}`) ?? 0;
  const envelopes = registry.map((group): GroupAuditRow => {
    const notRead = group.status === "created" && !auditVisits(group, stuckBefore);
    const own = figures.get(group.groupId);
    const debited = -sum(group.groupId, GROUP_LEDGER.send.kind);
    const fundedCents = group.funding === "wallet" ? debited : own || notRead ? group.amountCents : 0;
    const cancelledCents = sum(group.groupId, GROUP_LEDGER.cancel.kind);
    const settledGrabs = sum(group.groupId, GROUP_LEDGER.grab.kind);
    const settledRefund = sum(group.groupId, GROUP_LEDGER.refund.kind);
    const grabbedCents = notRead ? settledGrabs : (own?.grabbedCents ?? 0);
    const refundedCents = notRead ? settledRefund : (own?.refundedCents ?? 0);
    const settledCents = settledGrabs + settledRefund;
    const pendingCents = grabbedCents + refundedCents - settledCents;
    const problem = problemOf(group, own, { fundedCents, cancelledCents, settledGrabs, settledRefund, pendingCents }, stuckBefore);
    return {
      groupId: group.groupId,
      funding: group.funding,
      status: group.status,
      amountCents: group.amountCents,
      fundedCents,
      cancelledCents,
      grabbedCents,
      refundedCents,
      openCents: notRead ? group.amountCents - settledCents : (own?.openCents ?? 0),
      settledCents,
      pendingCents,
      balanced: problem === null,
      problem,
    };
  });
  const stuckCreations = registry
    .filter((g) => g.status === "pending" && !figures.has(g.groupId) && g.createdAt < stuckBefore)
    .map((g) => g.groupId);
  const retired = settledProblem(settled, ledger, new Set(registry.map((g) => g.groupId)));
  return {
    balanced: envelopes.every((e) => e.balanced) && retired === null,
    envelopes,
    stuckCreations,
    settled: [...settled],
    settledProblem: retired,
  };
}

/** Each unbalanced envelope, named, and the settled envelopes' totals when the ledger disagrees with them. */
export function groupProblems(audit: GroupsAudit): AuditProblem[] {
  const problems = audit.envelopes
    .filter((e) => !e.balanced)
    .map((e) => ({ place: `group:${e.groupId}`, problem: e.problem ?? "does not balance", cents: e.amountCents }));
  if (audit.settledProblem !== null) problems.push({ place: "groups:settled", ...audit.settledProblem });
  return problems;
}
