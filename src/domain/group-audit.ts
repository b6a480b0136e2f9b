/**
 * The group envelope audit: each registered envelope's own figures (from its object) merged
 * with the ledger. A created envelope balances when amount = grabbed + refunded + still open,
 * its funding matches its amount, and the ledger has credited no more than was grabbed and
 * refunded (the difference is pending on its way through the settlement queue). A cancelled
 * one balances when its debit was given back and no object holds it.
 */
import type { Cents, EpochMs, GroupAuditRow, GroupFunding, GroupsAudit } from "../wire/index";
import type { GroupFigures } from "../wire/rpc";
import { GROUP_LEDGER } from "./group-envelope";

export interface RegisteredGroup {
  groupId: string;
  funding: GroupFunding;
  amountCents: Cents;
  status: GroupAuditRow["status"];
  createdAt: EpochMs;
}

export interface LedgerGroupSums {
  groupId: string;
  kind: string;
  cents: Cents;
}

export function auditGroups(
  registry: readonly RegisteredGroup[],
  figures: ReadonlyMap<string, GroupFigures>,
  ledger: readonly LedgerGroupSums[],
  stuckBefore: EpochMs,
): GroupsAudit {
  const sums = new Map<string, Cents>();
  for (const row of ledger) sums.set(`${row.groupId}|${row.kind}`, (sums.get(`${row.groupId}|${row.kind}`) ?? 0) + row.cents);
  const sum = (groupId: string, kind: string) => sums.get(`${groupId}|${kind}`) ?? 0;
  const envelopes = registry.map((group): GroupAuditRow => {
    const own = figures.get(group.groupId);
    const debited = -sum(group.groupId, GROUP_LEDGER.send.kind);
    const fundedCents = group.funding === "wallet" ? debited : own ? group.amountCents : 0;
    const cancelledCents = sum(group.groupId, GROUP_LEDGER.cancel.kind);
    const settledGrabs = sum(group.groupId, GROUP_LEDGER.grab.kind);
    const settledRefund = sum(group.groupId, GROUP_LEDGER.refund.kind);
    const grabbedCents = own?.grabbedCents ?? 0;
    const refundedCents = own?.refundedCents ?? 0;
    const openCents = own?.openCents ?? 0;
    const settledCents = settledGrabs + settledRefund;
    const pendingCents = grabbedCents + refundedCents - settledCents;
    const walletFundingOk = group.funding === "seed" || debited === 0 || debited === group.amountCents;
    let balanced: boolean;
    if (group.status === "cancelled") {
      balanced = !own && fundedCents === cancelledCents && settledCents === 0;
    } else if (own) {
      balanced =
        own.amountCents === group.amountCents &&
        (fundedCents === group.amountCents || (group.status === "pending" && fundedCents === 0)) &&
        cancelledCents === 0 &&
        grabbedCents + refundedCents + openCents === group.amountCents &&
        own.grabbedCount <= own.count &&
        settledGrabs <= grabbedCents &&
        settledRefund <= refundedCents;
    } else {
      balanced = group.status === "pending" && walletFundingOk && cancelledCents === 0 && settledCents === 0;
    }
    return {
      groupId: group.groupId,
      funding: group.funding,
      status: group.status,
      amountCents: group.amountCents,
      fundedCents,
      cancelledCents,
      grabbedCents,
      refundedCents,
      openCents,
      settledCents,
      pendingCents,
      balanced,
    };
  });
  const stuckCreations = registry
    .filter((g) => g.status === "pending" && !figures.has(g.groupId) && g.createdAt < stuckBefore)
    .map((g) => g.groupId);
  return { balanced: envelopes.every((e) => e.balanced), envelopes, stuckCreations };
}
