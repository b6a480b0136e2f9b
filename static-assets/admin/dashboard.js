/**
 * Live dashboard: polls the audit every few seconds and charts envelopes issued per second
 * (from the change in claimed counts), what remains per sponsor, and the settlement backlog
 * (envelopes not yet in wallets) with the claims stuck on the way.
 */
import { h } from "../js/dom.js";
import { formatCents } from "../js/money.js";
import { adminCall } from "./admin-api.js";
import { backlogFigures, stuckReason } from "./backlog.js";
import { drawBars, drawLine } from "./chart.js";

/** @typedef {import("../../src/wire").AuditReport} AuditReport */

const POLL_MS = 2_000;
const HISTORY = 60;

export class Dashboard {
  /** @type {number[]} */
  #issuedPerSecond = [];
  /** @type {number[]} */
  #backlog = [];
  /** @type {{ at: number, claimed: number } | null} */
  #last = null;
  #els;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #timer;

  /** @param {{ issued: SVGSVGElement, remaining: SVGSVGElement, backlog: SVGSVGElement, figures: HTMLElement, backlogFigures: HTMLElement, stuck: HTMLElement }} els */
  constructor(els) {
    this.#els = els;
  }

  start() {
    clearInterval(this.#timer);
    this.#timer = setInterval(() => this.refresh(), POLL_MS);
    return this.refresh();
  }

  async refresh() {
    /** @type {AuditReport} */
    let report;
    try {
      report = await adminCall("GET", "/audit");
    } catch (err) {
      this.#els.figures.textContent = `Dashboard paused: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    const at = Date.now();
    const claimed = report.pools.reduce((sum, p) => sum + p.claimedCount, 0);
    if (this.#last) {
      const rate = ((claimed - this.#last.claimed) * 1000) / Math.max(1, at - this.#last.at);
      this.#issuedPerSecond = [...this.#issuedPerSecond, rate].slice(-HISTORY);
    }
    this.#last = { at, claimed };
    /** @type {Map<string, number>} */
    const remaining = new Map();
    for (const pool of report.pools) remaining.set(pool.sponsorId, (remaining.get(pool.sponsorId) ?? 0) + pool.remainingCents);
    drawLine(this.#els.issued, this.#issuedPerSecond, "/s");
    drawBars(
      this.#els.remaining,
      [...remaining].map(([sponsor, cents]) => ({ label: sponsor, value: cents, text: formatCents(cents) })),
    );
    const remainingCount = report.pools.reduce((sum, p) => sum + p.remainingCount, 0);
    this.#els.figures.textContent = `${claimed} envelopes issued, ${remainingCount} remaining in ${report.pools.length} pools · updated ${new Date(at).toLocaleTimeString()}`;
    this.#showBacklog(report);
  }

  /** @param {AuditReport} report */
  #showBacklog(report) {
    const backlog = backlogFigures(report);
    this.#backlog = [...this.#backlog, backlog.pendingCount].slice(-HISTORY);
    drawLine(this.#els.backlog, this.#backlog, "waiting");
    this.#els.backlogFigures.textContent =
      `Settlement backlog: ${backlog.pendingCount} envelope${backlog.pendingCount === 1 ? "" : "s"} (${formatCents(backlog.pendingCents)}) not yet in wallets` +
      ` · group shares on their way: ${formatCents(backlog.groupPendingCents)}` +
      ` · stuck for more than ${Math.round(report.settlement.stuckAfterMs / 60_000)} min: ${backlog.stuck.length}`;
    this.#els.stuck.replaceChildren(
      ...(backlog.stuck.length === 0
        ? []
        : [
            h(
              "table",
              {},
              h("caption", { text: "Stuck claims (see docs/money-flow.md: requeue dead letters, sweep never-enqueued claims)" }),
              h("thead", {}, h("tr", {}, ...["Claim", "Phase", "Amount", "Why"].map((t) => h("th", { scope: "col", text: t })))),
              h(
                "tbody",
                {},
                ...backlog.stuck.map((claim) =>
                  h(
                    "tr",
                    {},
                    h("td", { text: claim.claimId }),
                    h("td", { text: claim.phaseId }),
                    h("td", { text: formatCents(claim.amountCents) }),
                    h("td", { text: stuckReason(claim) }),
                  ),
                ),
              ),
            ),
          ]),
    );
  }
}
