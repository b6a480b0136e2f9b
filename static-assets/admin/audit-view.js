/**
 * Audit and reconcile view. The audit (`GET /api/admin/audit`): every pool's budget =
 * remaining + claimed (+ moves), the per-user limits, settlement and group envelopes. The
 * reconcile (`GET /api/admin/verify`): the same money per pool and per shard, and every
 * leftover or rebalance move landed what it took. PASS only when both pass; the audit's
 * problems (each place where money is not where it belongs) are listed.
 */
import { errorText, h, table } from "../js/dom.js";
import { formatCents } from "../js/money.js";
import { adminCall } from "./admin-api.js";

/** @typedef {import("../../src/wire/index").AuditReport} AuditReport */
/** @typedef {import("../../src/wire/index").VerificationReport} VerificationReport */
/** @typedef {import("../../src/wire/index").PoolVerification} PoolVerification */

const USER_LIMIT = 3;

/** @param {PoolVerification | undefined} pool */
function shardsText(pool) {
  if (!pool) return "not verified";
  const failing = pool.shards.filter((s) => !s.pass).map((s) => s.shard);
  return failing.length === 0 ? `${pool.shards.length}/${pool.shards.length} pass` : `FAIL on shard ${failing.join(", ")}`;
}

/** @param {HTMLElement} output */
export async function runAudit(output) {
  /** @type {[AuditReport, VerificationReport]} */
  let reports;
  try {
    reports = await Promise.all([adminCall("GET", "/audit"), adminCall("GET", "/verify")]);
  } catch (err) {
    output.textContent = `Audit failed to run: ${errorText(err)}`;
    return;
  }
  const [report, verification] = reports;
  const auditPass = report.balanced && report.duplicateEnvelopeClaims === 0 && report.maxClaimsPerUser <= USER_LIMIT;
  const pass = auditPass && verification.pass;
  const verified = new Map(verification.pools.map((p) => [p.poolId, p]));
  const failedMoves = verification.moves.filter((m) => !m.pass);
  output.replaceChildren(
    h("p", { class: pass ? "badge pass" : "badge fail", role: "status", text: pass ? "PASS" : "FAIL" }),
    h("p", {
      text: `Money balanced: ${report.balanced ? "yes" : "NO"} · envelopes claimed twice: ${report.duplicateEnvelopeClaims} · most envelopes held by one user: ${report.maxClaimsPerUser} (limit ${USER_LIMIT}), from one sponsor: ${report.maxClaimsPerUserSponsor}`,
    }),
    h("p", {
      class: "audit-settlement",
      text: `Settlement (claimed = settled + pending in every pool): ${report.settlement.balanced ? "yes" : "NO"} · ledger cents of unknown claims: ${formatCents(report.settlement.unknownLedgerCents)} · stuck claims: ${report.settlement.stuck.length} · group envelopes balanced: ${report.groups.balanced ? "yes" : "NO"} (${report.groups.envelopes.length} in motion, ${report.groups.settled.reduce((n, t) => n + t.envelopes, 0)} settled)`,
    }),
    h(
      "ul",
      { class: "audit-problems", "aria-label": "Where money is not where it belongs" },
      ...report.problems.map((p) => h("li", { text: `${p.place}: ${p.problem}${p.cents ? ` (${formatCents(p.cents)})` : ""}` })),
    ),
    h("p", {
      class: "reconcile",
      text: `Reconcile (loaded + moved in = claimed + remaining + moved out on every shard; every move landed what it took): ${verification.pass ? "PASS" : "FAIL"} · ${verification.moves.length} moves, ${failedMoves.length} failing · returned to sponsors: ${formatCents(report.returnedCents)} · in transit: ${formatCents(verification.inTransitCents)}`,
    }),
    table(
      ["Phase", "Sponsor", "Budget", "Claimed", "Remaining", "Moved in / out", "Balanced", "Shards"],
      report.pools.map((p) => [
        p.phaseId,
        p.sponsorId,
        formatCents(p.budgetCents),
        `${formatCents(p.claimedCents)} (${p.claimedCount})`,
        `${formatCents(p.remainingCents)} (${p.remainingCount})`,
        `${formatCents(p.movedInCents)} / ${formatCents(p.movedOutCents)}`,
        p.balanced ? "pass" : "FAIL",
        shardsText(verified.get(p.poolId)),
      ]),
      `Pools of ${report.galaId}`,
    ),
  );
}
