/**
 * Wallet: settled balance, money on its way (won envelopes and grabbed shares waiting for
 * settlement), every entry with its state, and the form that sends a group envelope from the
 * settled balance. While anything is pending and the wallet is shown, it re-reads
 * `GET /api/wallet` every few seconds, so an opened envelope turns from "on its way" to
 * "in your wallet" by itself.
 */
import { ApiFailure, failureReason as reason, userCall } from "../api.js";
import { byId, h } from "../dom.js";
import { formatCents, parseCents } from "../money.js";
import { sharePanel } from "./share-panel.js";

/** @typedef {import("../../../src/wire/index").WalletResponse} WalletResponse */
/** @typedef {import("../../../src/wire/index").WalletEntry} WalletEntry */
/** @typedef {import("../../../src/wire/index").CreateGroupResponse} CreateGroupResponse */
/** @typedef {import("../../../src/wire/index").CreateWalletGroupRequest} CreateWalletGroupRequest */

const PENDING_POLL_MS = 2_000;
const RETRY_MS = 5_000;

/**
 * @param {WalletEntry} entry
 * @param {(id: string) => string} sponsorName
 */
function entryLabel(entry, sponsorName) {
  switch (entry.kind) {
    case "envelope":
      return `Envelope from ${entry.sponsorId ? sponsorName(entry.sponsorId) : "a sponsor"}`;
    case "group-send":
      return "Group envelope you sent";
    case "group-grab":
      return "Share of a friend's group envelope";
    case "group-refund":
      return "Unclaimed shares returned";
    case "group-cancel":
      return "Group envelope cancelled, refunded";
    default:
      return entry.kind;
  }
}

export class WalletView {
  #ui;
  #sponsorName;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  /** Kept across retries of one creation, so a lost answer never debits twice. */
  #requestId = crypto.randomUUID();

  /** @param {(id: string) => string} sponsorName */
  constructor(sponsorName) {
    this.#sponsorName = sponsorName;
    this.#ui = {
      root: byId("wallet", HTMLElement),
      toggle: byId("wallet-toggle", HTMLButtonElement),
      title: byId("wallet-title", HTMLElement),
      balance: byId("wallet-balance", HTMLElement),
      pending: byId("wallet-pending", HTMLElement),
      entries: byId("wallet-entries", HTMLElement),
      form: byId("send-group", HTMLFormElement),
      sent: byId("send-group-result", HTMLElement),
    };
    this.#ui.toggle.addEventListener("click", () => (this.#ui.root.hidden ? this.show() : this.#hide()));
    this.#ui.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.#sendGroup();
    });
  }

  show() {
    this.#ui.root.hidden = false;
    this.#ui.toggle.setAttribute("aria-expanded", "true");
    this.#ui.title.focus();
    return this.refresh();
  }

  #hide() {
    this.#ui.root.hidden = true;
    this.#ui.toggle.setAttribute("aria-expanded", "false");
    clearTimeout(this.#timer);
  }

  /** Reads the wallet now; keeps polling while money is pending and the wallet is shown. */
  async refresh() {
    clearTimeout(this.#timer);
    if (this.#ui.root.hidden) return;
    /** @type {WalletResponse} */
    let wallet;
    try {
      wallet = await userCall("/api/wallet");
    } catch (err) {
      this.#ui.pending.textContent = `The wallet cannot be read right now (${reason(err)}); retrying.`;
      this.#timer = setTimeout(() => this.refresh(), RETRY_MS);
      return;
    }
    this.#render(wallet);
    if (wallet.pendingCents > 0) this.#timer = setTimeout(() => this.refresh(), PENDING_POLL_MS);
  }

  /** @param {WalletResponse} wallet */
  #render(wallet) {
    this.#ui.balance.textContent = formatCents(wallet.balanceCents);
    this.#ui.pending.textContent =
      wallet.pendingCents > 0 ? `${formatCents(wallet.pendingCents)} on its way to your wallet` : "Everything you won is in your wallet.";
    this.#ui.entries.replaceChildren(
      ...wallet.entries.map((entry) =>
        h(
          "li",
          { "data-entry-id": entry.entryId, "data-status": entry.status, class: `entry entry-${entry.status}` },
          h("span", { text: entryLabel(entry, this.#sponsorName) }),
          h("strong", { text: formatCents(entry.amountCents) }),
          h("span", { class: "entry-status", text: entry.status === "settled" ? "in your wallet" : "on its way" }),
        ),
      ),
    );
    if (wallet.entries.length === 0) this.#ui.entries.replaceChildren(h("li", { text: "Nothing yet: shake during a lottery phase!" }));
  }

  async #sendGroup() {
    const data = new FormData(this.#ui.form);
    const amountCents = parseCents(String(data.get("amount") ?? ""));
    const count = Number(data.get("count"));
    const greeting = String(data.get("greeting") ?? "").trim();
    if (amountCents === null) {
      this.#ui.sent.textContent = "Type the total like 8.88";
      return;
    }
    /** @type {CreateWalletGroupRequest} */
    const request = { amountCents, count, requestId: this.#requestId, ...(greeting ? { greeting } : {}) };
    const submit = this.#ui.form.querySelector("button");
    submit?.setAttribute("disabled", "");
    try {
      /** @type {CreateGroupResponse} */
      const created = await userCall("/api/groups", { method: "POST", body: request });
      this.#requestId = crypto.randomUUID();
      this.#ui.form.reset();
      this.#ui.sent.replaceChildren(sharePanel(created));
    } catch (err) {
      this.#ui.sent.textContent =
        err instanceof ApiFailure && err.code === "insufficient_funds"
          ? "Your settled balance is not enough for that: money on its way cannot be sent yet."
          : `Not sent: ${reason(err)}`;
      if (err instanceof ApiFailure && err.status >= 400 && err.status < 500) this.#requestId = crypto.randomUUID();
    } finally {
      submit?.removeAttribute("disabled");
    }
    await this.refresh();
  }
}
