/**
 * The report's audit section: every pool's money placed (claimed, remaining, moved on,
 * settled or pending), the group envelopes, and the gala's total as one equation.
 */
import type { AuditReport } from "../../src/wire/index.ts";
import { esc } from "./svg.ts";

const yuan = (c: number) => (c / 100).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const ok = (b: boolean) => (b ? `<td class="ok">yes</td>` : `<td class="bad">NO</td>`);

export function auditSection(audit: AuditReport): string {
  const settlement = new Map(audit.settlement.pools.map((p) => [p.poolId, p]));
  const rows = audit.pools.map((p) => {
    const s = settlement.get(p.poolId);
    return `<tr><td>${esc(p.phaseId)}</td><td>${esc(p.sponsorId)}</td><td>${yuan(p.budgetCents)}</td><td>${yuan(p.movedInCents)}</td><td>${yuan(p.claimedCents)} (${p.claimedCount})</td><td>${yuan(p.remainingCents)}</td><td>${yuan(p.movedOutCents)}</td><td>${s ? yuan(s.settledCents) : "-"}</td><td>${s ? yuan(s.pendingCents) : "-"}</td>${ok(p.balanced && (s?.balanced ?? true))}</tr>`;
  });
  const sum = (f: (p: AuditReport["pools"][number]) => number) => audit.pools.reduce((n, p) => n + f(p), 0);
  const budget = sum((p) => p.budgetCents);
  const claimed = sum((p) => p.claimedCents);
  const remaining = sum((p) => p.remainingCents);
  const placed = claimed + remaining + audit.returnedCents + audit.inTransitCents;
  const g = audit.groups.envelopes;
  const settled = audit.groups.settled;
  const gsum = (f: (r: (typeof g)[number] | (typeof settled)[number]) => number) =>
    g.reduce((n, r) => n + f(r), 0) + settled.reduce((n, r) => n + f(r), 0);
  const shared = g.length + settled.reduce((n, r) => n + r.envelopes, 0);
  return `
<table>
  <thead><tr><th>phase</th><th>sponsor</th><th>budget ¥</th><th>moved in ¥</th><th>claimed ¥ (envelopes)</th><th>remaining ¥</th><th>moved out ¥</th><th>settled ¥</th><th>pending ¥</th><th>balanced</th></tr></thead>
  <tbody>${rows.join("")}</tbody>
</table>
<p class="equation ${budget === placed ? "ok" : "bad"}">Every cent placed: budgets ¥${yuan(budget)} = claimed ¥${yuan(claimed)} + still in shards ¥${yuan(remaining)} + returned to sponsors ¥${yuan(audit.returnedCents)} + in transit ¥${yuan(audit.inTransitCents)} ${budget === placed ? "✓" : `✗ (off by ¥${yuan(budget - placed)})`}</p>
<p>Group envelopes: ${shared} shared (${g.length} in motion), funded ¥${yuan(gsum((r) => r.fundedCents))} = grabbed ¥${yuan(gsum((r) => r.grabbedCents))} + refunded ¥${yuan(gsum((r) => r.refundedCents))} + given back ¥${yuan(gsum((r) => r.cancelledCents))} + still open ¥${yuan(g.reduce((n, r) => n + r.openCents, 0))}; balanced: ${audit.groups.balanced ? "yes" : "NO"}.
Limits: at most ${audit.maxClaimsPerUser} envelopes per user, ${audit.maxClaimsPerUserSponsor} per sponsor; ${audit.duplicateEnvelopeClaims} envelopes claimed twice.
Settlement: ${audit.settlement.balanced ? "claimed = settled + pending in every pool" : "UNBALANCED"}, ${audit.settlement.stuck.length} stuck, ¥${yuan(audit.settlement.unknownLedgerCents)} in ledger rows naming no pool.</p>`;
}
