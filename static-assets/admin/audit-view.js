/** Audit and reconcile view: every pool's budget = remaining + claimed, the limits, a pass/fail. */
import { h } from "../js/dom.js";
import { formatCents } from "../js/money.js";
import { adminCall } from "./admin-api.js";

/** @typedef {import("../../src/wire").AuditReport} AuditReport */

const USER_LIMIT = 3;

/** @param {HTMLElement} output */
export async function runAudit(output) {
  /** @type {AuditReport} */
  let report;
  try {
    report = await adminCall("GET", "/audit");
  } catch (err) {
    output.textContent = `Audit failed to run: ${err instanceof Error ? err.message : String(err)}`;
    return;
  }
  const pass = report.balanced && report.duplicateEnvelopeClaims === 0 && report.maxClaimsPerUser <= USER_LIMIT;
  output.replaceChildren(
    h("p", { class: pass ? "badge pass" : "badge fail", role: "status", text: pass ? "PASS" : "FAIL" }),
    h("p", {
      text: `Money balanced: ${report.balanced ? "yes" : "NO"} · envelopes claimed twice: ${report.duplicateEnvelopeClaims} · most envelopes held by one user: ${report.maxClaimsPerUser} (limit ${USER_LIMIT}), from one sponsor: ${report.maxClaimsPerUserSponsor}`,
    }),
    h("p", {
      class: "audit-settlement",
      text: `Settlement (claimed = settled + pending in every pool): ${report.settlement.balanced ? "yes" : "NO"} · ledger cents of unknown claims: ${formatCents(report.settlement.unknownLedgerCents)} · stuck claims: ${report.settlement.stuck.length} · group envelopes balanced: ${report.groups.balanced ? "yes" : "NO"} (${report.groups.envelopes.length})`,
    }),
    h(
      "table",
      {},
      h("caption", { text: `Pools of ${report.galaId}` }),
      h("thead", {}, h("tr", {}, ...["Phase", "Sponsor", "Budget", "Claimed", "Remaining", "Balanced"].map((t) => h("th", { scope: "col", text: t })))),
      h(
        "tbody",
        {},
        ...report.pools.map((p) =>
          h(
            "tr",
            {},
            h("td", { text: p.phaseId }),
            h("td", { text: p.sponsorId }),
            h("td", { text: formatCents(p.budgetCents) }),
            h("td", { text: `${formatCents(p.claimedCents)} (${p.claimedCount})` }),
            h("td", { text: `${formatCents(p.remainingCents)} (${p.remainingCount})` }),
            h("td", { text: p.balanced ? "pass" : "FAIL" }),
          ),
        ),
      ),
    ),
  );
}
