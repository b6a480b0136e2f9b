/**
 * Live dashboard. Every 2 s it reads the live statistics (`GET /api/admin/stats`) and charts
 * shakes per second, envelopes issued per second (from the change in issued counts) and what
 * remains per shard, with a per-phase table and the live pools against their plan (which are
 * paced, how far ahead or behind); every 6 s it reads the audit and charts what
 * remains per sponsor and the settlement backlog (envelopes not yet in wallets) with the
 * claims stuck on the way.
 */
import { errorText, table } from "../js/dom.js";
import { formatCents } from "../js/money.js";
import { adminCall } from "./admin-api.js";
import { backlogFigures, stuckReason } from "./backlog.js";
import { drawBars, drawColumns, drawLine } from "./chart.js";
import { poolPaceRows, remainingPerShard, showTotals } from "./live-stats.js";

/** @typedef {import("../../src/wire/index").AuditReport} AuditReport */
/** @typedef {import("../../src/wire/index").StatsReport} StatsReport */

const POLL_MS = 2_000;
/** The audit visits every shard, the ledger and every group envelope: read it every third poll. */
const AUDIT_EVERY = 3;
const HISTORY = 60;

/**
 * @typedef {{ shakes: SVGSVGElement, issued: SVGSVGElement, shards: SVGSVGElement, remaining: SVGSVGElement,
 *   backlog: SVGSVGElement, figures: HTMLElement, phases: HTMLElement, backlogFigures: HTMLElement, stuck: HTMLElement }} DashboardElements
 */

export class Dashboard {
  /** @type {number[]} */
  #shakesPerSecond = [];
  /** @type {number[]} */
  #issuedPerSecond = [];
  /** @type {number[]} */
  #backlog = [];
  /** @type {{ at: number, issued: number } | null} */
  #last = null;
  #polls = 0;
  #els;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #timer;

  /** @param {DashboardElements} els */
  constructor(els) {
    this.#els = els;
  }

  start() {
    clearInterval(this.#timer);
    this.#polls = 0;
    this.#timer = setInterval(() => this.refresh(), POLL_MS);
    return this.refresh();
  }

  async refresh() {
    const audit = this.#polls++ % AUDIT_EVERY === 0;
    await Promise.all([this.#refreshStats(), audit ? this.#refreshAudit() : undefined]);
  }

  /**
   * An admin read; a failure is reported in `status` and gives null (the next poll retries).
   * @param {string} path
   * @param {HTMLElement} status
   * @param {string} what
   */
  async #read(path, status, what) {
    try {
      return await adminCall("GET", path);
    } catch (err) {
      status.textContent = `${what} paused: ${errorText(err)}`;
      return null;
    }
  }

  async #refreshStats() {
    /** @type {StatsReport | null} */
    const report = await this.#read("/stats", this.#els.figures, "Live statistics");
    if (!report) return;
    const at = Date.now();
    const totals = showTotals(report);
    if (this.#last) {
      const rate = ((totals.issued - this.#last.issued) * 1000) / Math.max(1, at - this.#last.at);
      this.#issuedPerSecond = [...this.#issuedPerSecond, Math.max(0, rate)].slice(-HISTORY);
    }
    this.#last = { at, issued: totals.issued };
    this.#shakesPerSecond = [...this.#shakesPerSecond, totals.shakeRate].slice(-HISTORY);
    drawLine(this.#els.shakes, this.#shakesPerSecond, "/s");
    drawLine(this.#els.issued, this.#issuedPerSecond, "/s");
    drawColumns(
      this.#els.shards,
      remainingPerShard(report).map((s) => ({
        label: String(s.shard),
        value: s.cents,
        text: `${formatCents(s.cents)} in ${s.count} envelope${s.count === 1 ? "" : "s"}`,
      })),
      "shard",
    );
    this.#els.figures.textContent =
      `${totals.shakesSeen} shakes seen, ${totals.candidates} candidates, ${totals.issued} envelopes issued, ${totals.remainingCount} remaining` +
      ` · timeline version ${report.version} · updated ${new Date(at).toLocaleTimeString()}`;
    this.#els.phases.replaceChildren(
      table(
        ["Phase", "State", "Shakes seen", "Candidates", "Issued", "Remaining", "Shakes/s"],
        report.phases.map((p) => [
          p.title,
          p.unfunded ? `${p.state}, NO POOLS` : p.state,
          String(p.totals.shakesSeen),
          String(p.totals.candidates),
          `${p.totals.envelopesIssued} (${formatCents(p.totals.issuedCents)})`,
          `${p.totals.remainingCount} (${formatCents(p.totals.remainingCents)})`,
          p.totals.shakeRate.toFixed(1),
        ]),
        "Per phase (shake counts trail by up to one edge flush, about 5 s)",
      ),
      ...this.#poolPaces(report),
    );
  }

  /**
   * The live pools against their plan, or nothing between phases.
   * @param {StatsReport} report
   */
  #poolPaces(report) {
    const rows = poolPaceRows(report);
    if (rows.length === 0) return [];
    const paced = rows.filter((r) => r.paced).length;
    const pools = table(
      ["Phase", "Sponsor", "Issued", "Plan now", "Against plan", "Pacing"],
      rows.map((r) => [r.phase, r.sponsor, r.issued, r.planned, r.versusPlan, r.pacing]),
      `Pools against their plan: ${paced} of ${rows.length} paced now (issued counts envelopes claimed and lent to edge leases)`,
    );
    pools.classList.add("pool-paces");
    return [pools];
  }

  async #refreshAudit() {
    /** @type {AuditReport | null} */
    const report = await this.#read("/audit", this.#els.backlogFigures, "Audit figures");
    if (!report) return;
    /** @type {Map<string, number>} */
    const remaining = new Map();
    for (const pool of report.pools) remaining.set(pool.sponsorId, (remaining.get(pool.sponsorId) ?? 0) + pool.remainingCents);
    drawBars(
      this.#els.remaining,
      [...remaining].map(([sponsor, cents]) => ({ label: sponsor, value: cents, text: formatCents(cents) })),
    );
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
            table(
              ["Claim", "Phase", "Amount", "Why"],
              backlog.stuck.map((c) => [c.claimId, c.phaseId, formatCents(c.amountCents), stuckReason(c)]),
              "Stuck claims (see docs/money-flow.md: requeue dead letters, sweep never-enqueued claims)",
            ),
          ]),
    );
  }
}
