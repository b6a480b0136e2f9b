/**
 * Settlement backlog from the audit, as pure figures: money won or grabbed that has not
 * reached the ledger yet, and the claims stuck on the way (dead letters, claims enqueued
 * too long ago, claims of ended phases never enqueued).
 */

/** @typedef {import("../../src/wire/index").AuditReport} AuditReport */
/** @typedef {import("../../src/wire/index").PendingClaim} PendingClaim */

/**
 * @param {AuditReport} report
 * @returns {{ pendingCount: number, pendingCents: number, groupPendingCents: number, stuck: PendingClaim[] }}
 */
export function backlogFigures(report) {
  const { pools, stuck } = report.settlement;
  return {
    pendingCount: pools.reduce((sum, p) => sum + p.pendingCount, 0),
    pendingCents: pools.reduce((sum, p) => sum + p.pendingCents, 0),
    groupPendingCents: report.groups.envelopes.reduce((sum, g) => sum + g.pendingCents, 0),
    stuck,
  };
}

/**
 * Why a claim is stuck, in the operator's words.
 * @param {PendingClaim} claim
 */
export function stuckReason(claim) {
  if (claim.deadAt !== null) return "dead letter: requeue it once the ledger is healthy";
  if (claim.enqueuedAt !== null) return "enqueued, not settled yet";
  return "its phase ended and it was never enqueued: run the sweep";
}
