/**
 * Wallet: settled balance, money on its way (won envelopes and grabbed shares waiting for
 * settlement), every entry with its state, and the form that sends a group envelope from the
 * settled balance. While anything is pending and the wallet is shown, it re-reads
 * `GET /api/wallet` every few seconds, so an opened envelope turns from "on its way" to
 * "in your wallet" by itself.
 */
import { ApiFailure, failureReason as reason, userCall } from "../api.js";
import { byId, h } from "../dom.js";
import { onLanguageChange, s, yuan } from "../i18n.js";
import { parseCents } from "../money.js";
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
      return s().entryEnvelope(entry.sponsorId ? sponsorName(entry.sponsorId) : s().aSponsor);
    case "group-send":
      return s().entryGroupSend;
    case "group-grab":
      return s().entryGroupGrab;
    case "group-refund":
      return s().entryGroupRefund;
    case "group-cancel":
      return s().entryGroupCancel;
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
  /** @type {WalletResponse | null} */
  #latest = null;

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
    onLanguageChange(() => this.#latest && this.#render(this.#latest));
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
      this.#ui.pending.textContent = s().walletUnreadable(reason(err));
      this.#timer = setTimeout(() => this.refresh(), RETRY_MS);
      return;
    }
    this.#render(wallet);
    if (wallet.pendingCents > 0) this.#timer = setTimeout(() => this.refresh(), PENDING_POLL_MS);
  }

  /** @param {WalletResponse} wallet */
  #render(wallet) {
    this.#latest = wallet;
    this.#ui.balance.textContent = yuan(wallet.balanceCents);
    this.#ui.pending.textContent = wallet.pendingCents > 0 ? s().walletPending(yuan(wallet.pendingCents)) : s().walletAllIn;
    this.#ui.entries.replaceChildren(
      ...wallet.entries.map((entry) =>
        h(
          "li",
          { "data-entry-id": entry.entryId, "data-status": entry.status, class: `entry entry-${entry.status}` },
          h("span", { text: entryLabel(entry, this.#sponsorName) }),
          h("strong", { text: yuan(entry.amountCents) }),
          h("span", { class: "entry-status", text: entry.status === "settled" ? s().entrySettled : s().entryPending }),
        ),
      ),
    );
    if (wallet.entries.length === 0) this.#ui.entries.replaceChildren(h("li", { text: s().walletEmpty }));
  }

  async #sendGroup() {
    const data = new FormData(this.#ui.form);
    const amountCents = parseCents(String(data.get("amount") ?? ""));
    const count = Number(data.get("count"));
    const greeting = String(data.get("greeting") ?? "").trim();
    if (amountCents === null) {
      this.#ui.sent.textContent = s().typeTotal;
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
        err instanceof ApiFailure && err.code === "insufficient_funds" ? s().insufficientFunds : s().notSent(reason(err));
      if (err instanceof ApiFailure && err.status >= 400 && err.status < 500) this.#requestId = crypto.randomUUID();
    } finally {
      submit?.removeAttribute("disabled");
    }
    await this.refresh();
  }
}
