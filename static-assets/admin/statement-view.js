/**
 * Sponsor statement: where one sponsor's money went, per phase and pool, reconciled to the
 * cent (`GET /api/admin/sponsors/{sponsorId}/statement`), with the time it was read. "Print"
 * prints the statement alone (the rest of the console is hidden on paper, admin.css);
 * "Download CSV" saves the same statement for a spreadsheet (`?format=csv`).
 */
import { errorText, h, table } from "../js/dom.js";
import { formatCents } from "../js/money.js";
import { adminCall, adminSecret } from "./admin-api.js";

/** @typedef {import("../../src/wire/index").SponsorStatement} SponsorStatement */
/** @typedef {import("../../src/wire/index").StatementEquation} StatementEquation */

const cents = (/** @type {number} */ c) => formatCents(c);

/** @param {StatementEquation[]} equations */
const equationRows = (equations) =>
  equations.map((e) => [e.name, `${cents(e.left)} ${e.relation} ${cents(e.right)}`, e.holds ? "✓" : "✗ does not hold"]);

/** @param {SponsorStatement} s */
function statementView(s) {
  return h(
    "div",
    { class: "statement-sheet" },
    h("h3", { text: `Statement for ${s.sponsorId} · gala ${s.galaId}` }),
    h("p", { text: `Read at ${new Date(s.readAt).toISOString()} (server time)` }),
    h("p", {
      class: s.reconciled ? "badge pass" : "badge fail",
      role: "status",
      text: s.reconciled ? "RECONCILED to the cent" : "NOT RECONCILED",
    }),
    table(
      [
        "phase",
        "pool",
        "loaded",
        "issued",
        "opened",
        "settled into wallets",
        "of which opened",
        "of which swept",
        "confirming",
        "voided",
        "on its way to wallets",
        "lent to the edge",
        "in stock",
        "rolled in",
        "rolled out",
        "returned to you",
        "reconciled",
      ],
      s.pools.map((p) => [
        p.phaseTitle,
        p.poolId,
        `${cents(p.loadedCents)} (${p.loadedCount})`,
        `${cents(p.issuedCents)} (${p.issuedCount})`,
        `${cents(p.openedCents)} (${p.openedCount})`,
        `${cents(p.settledCents)} (${p.settledCount})`,
        `${cents(p.settledOpenedCents)} (${p.settledOpenedCount})`,
        `${cents(p.settledSweptCents)} (${p.settledSweptCount})`,
        cents(p.confirmingCents),
        `${cents(p.voidedCents)} (${p.voidedCount})`,
        cents(p.toWalletsCents),
        cents(p.lentCents),
        cents(p.inStockCents),
        cents(p.rolledInCents),
        cents(p.rolledOutCents),
        cents(p.returnedCents),
        p.reconciled ? "✓" : "✗",
      ]),
      "Per phase and pool (counts are envelopes; swept: settled unopened at phase close; confirming: in wallets, the shard's confirmation on its way; voided: edge wins voided at their record, back in stock)",
    ),
    h("p", {
      text: `Total: loaded ${cents(s.totals.loadedCents)} = in wallets ${cents(s.totals.settledCents)} + in motion ${cents(s.totals.inMotionCents)} + in stock ${cents(s.totals.inStockCents)} + returned to you ${cents(s.totals.returnedCents)}`,
    }),
    h("p", {
      text: `In wallets: opened ${cents(s.totals.settledOpenedCents)} + swept ${cents(s.totals.settledSweptCents)} + confirming ${cents(s.totals.confirmingCents)}; voided ${cents(s.totals.voidedCents)}`,
    }),
    table(
      ["checked", "", ""],
      [
        ...equationRows(s.equations),
        ...s.pools.flatMap((p) => equationRows(p.equations).map(([n, v, ok]) => [`${p.poolId}: ${n}`, v, ok])),
      ],
      "Checked equations",
    ),
  );
}

/** Saves the CSV form of the statement (the call carries the same credentials as every admin call). */
async function downloadCsv(/** @type {string} */ sponsorId) {
  const token = adminSecret.get();
  const res = await fetch(`/api/admin/sponsors/${encodeURIComponent(sponsorId)}/statement?format=csv`, {
    headers: token ? { Authorization: `Bearer ${token}` } : {},
  });
  if (!res.ok) throw new Error(`the statement could not be read (${res.status})`);
  const url = URL.createObjectURL(await res.blob());
  const link = h("a", { href: url, download: `statement-${sponsorId}.csv` });
  link.click();
  URL.revokeObjectURL(url);
}

export class StatementView {
  #output;
  #sponsor;

  /**
   * @param {HTMLFormElement} form with a `sponsorId` select and `print`/`csv` buttons
   * @param {HTMLElement} output
   */
  constructor(form, output) {
    this.#output = output;
    this.#sponsor = /** @type {HTMLSelectElement} */ (form.elements.namedItem("sponsorId"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.show();
    });
    /** @type {HTMLButtonElement} */ (form.elements.namedItem("print")).addEventListener("click", () => {
      document.body.classList.add("print-statement");
      window.print();
      document.body.classList.remove("print-statement");
    });
    /** @type {HTMLButtonElement} */ (form.elements.namedItem("csv")).addEventListener("click", () => {
      downloadCsv(this.#sponsor.value).catch((err) => this.#failed(err));
    });
  }

  /** @param {{ id: string }[]} sponsors of the stored timeline */
  fillSponsors(sponsors) {
    const chosen = this.#sponsor.value;
    this.#sponsor.replaceChildren(...sponsors.map((s) => h("option", { value: s.id, text: s.id })));
    if (sponsors.some((s) => s.id === chosen)) this.#sponsor.value = chosen;
  }

  async show() {
    try {
      /** @type {SponsorStatement} */
      const statement = await adminCall("GET", `/sponsors/${encodeURIComponent(this.#sponsor.value)}/statement`);
      this.#output.replaceChildren(statementView(statement));
    } catch (err) {
      this.#failed(err);
    }
  }

  /** @param {unknown} err */
  #failed(err) {
    this.#output.replaceChildren(h("p", { class: "alert critical", role: "alert", text: `No statement: ${errorText(err)}` }));
  }
}
