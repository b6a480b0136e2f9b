/**
 * Live dashboard: polls the audit every few seconds and charts envelopes issued per second
 * (from the change in claimed counts) and what remains per sponsor.
 */
import { formatCents } from "../js/money.js";
import { adminCall } from "./admin-api.js";
import { drawBars, drawLine } from "./chart.js";

/** @typedef {import("../../src/wire").AuditReport} AuditReport */

const POLL_MS = 2_000;
const HISTORY = 60;

export class Dashboard {
  /** @type {number[]} */
  #issuedPerSecond = [];
  /** @type {{ at: number, claimed: number } | null} */
  #last = null;
  #els;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #timer;

  /** @param {{ issued: SVGSVGElement, remaining: SVGSVGElement, figures: HTMLElement }} els */
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
  }
}
