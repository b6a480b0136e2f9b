/**
 * The win: a full-screen envelope over the shake screen (a modal alert dialog, so a screen
 * reader announces it and the page behind is inert), its open button focused and in view on
 * any phone. One tap reveals the amount and tells the server (with the signed claim of an
 * edge-lease win); sharing, the wallet and "Keep shaking" follow in the same place. The
 * result line under the shake button keeps a summary, and opens an envelope closed unopened.
 */
import { ApiFailure, userCall } from "../api.js";
import { h, prefersReducedMotion } from "../dom.js";
import { s, yuan } from "../i18n.js";
import { shareButton } from "./group-view.js";

/** @typedef {import("../../../src/wire/index").WonEnvelope} WonEnvelope */
/** @typedef {import("../../../src/wire/index").OpenRequest} OpenRequest */
/** @typedef {import("../../../src/wire/index").OpenResponse} OpenResponse */
/** @typedef {import("../held-claims.js").HeldClaims} HeldClaims */
/**
 * @typedef {{ assetUrl: (assetId: string) => string | undefined, sponsorName: (id: string) => string,
 *   showWallet: () => void, claims: HeldClaims, shakeButton: HTMLElement }} WinContext
 */
/** @typedef {{ envelope: WonEnvelope, opened: boolean, voided: boolean }} Shown */

export class WinView {
  #dialog;
  #summary;
  #ctx;
  /** @type {Shown | null} */
  #shown = null;

  /**
   * @param {HTMLDialogElement} dialog
   * @param {HTMLElement} summary the result region under the shake button
   * @param {WinContext} ctx
   */
  constructor(dialog, summary, ctx) {
    this.#dialog = dialog;
    this.#summary = summary;
    this.#ctx = ctx;
    dialog.addEventListener("close", () => {
      this.#summarize();
      ctx.shakeButton.focus();
    });
  }

  get isOpen() {
    return this.#dialog.open;
  }

  /** @param {WonEnvelope} envelope */
  show(envelope) {
    this.#shown = { envelope, opened: false, voided: false };
    this.#summary.className = "result result-envelope";
    this.#summary.setAttribute("data-claim-id", envelope.claimId);
    this.#summary.replaceChildren();
    const open = this.#render();
    this.#dialog.showModal();
    open.focus();
  }

  /**
   * The server voided this claim: if its envelope is the one shown, say so kindly.
   * @param {string} claimId
   */
  voided(claimId) {
    if (this.#shown?.envelope.claimId !== claimId) return false;
    this.#shown.voided = true;
    this.#dialog.className = "win win-voided";
    const keep = this.#keepShakingButton();
    this.#dialog.replaceChildren(
      h("h2", { id: "win-title", text: s().voidedTitle }),
      h("p", { id: "win-hint", text: s().voidedText }),
      h("p", { class: "win-actions" }, keep),
    );
    if (this.#dialog.open) keep.focus();
    this.#summarize();
    return true;
  }

  /** Writes the shown envelope again in the current language. */
  relabel() {
    if (!this.#shown || this.#dialog.open) return;
    this.#summarize();
  }

  #render() {
    const shown = /** @type {Shown} */ (this.#shown);
    const { envelope } = shown;
    const sponsor = this.#ctx.sponsorName(envelope.sponsorId);
    const title = h("h2", { id: "win-title", text: s().envelopeFrom(sponsor) });
    const hint = h("p", { id: "win-hint", class: "hint", text: s().winHint });
    const art = this.#asset("anim-envelope", s().envelopeAlt, "win-art");
    const open = h("button", { type: "button", class: "open-button", text: s().openEnvelope });
    const amount = h("p", { class: "amount", hidden: "" });
    const note = h("p", { class: "note" });
    const actions = h("div", { class: "win-actions" });
    const close = h("button", { type: "button", class: "win-close", "aria-label": s().close, text: "×" });
    close.addEventListener("click", () => this.#dialog.close());
    open.addEventListener("click", async () => {
      shown.opened = true;
      open.remove();
      art.remove();
      hint.textContent = "";
      amount.textContent = yuan(envelope.amountCents);
      amount.removeAttribute("hidden");
      if (!prefersReducedMotion()) amount.classList.add("reveal");
      navigator.vibrate?.([60, 40, 120]);
      const opened = await openOnServer(envelope.claimId, this.#ctx.claims);
      if (opened.kind === "voided") return void this.voided(envelope.claimId);
      // A win voided because its shake had already won elsewhere opens that shake's envelope.
      const won = opened.kind === "opened" ? opened.envelope : envelope;
      if (won.claimId !== envelope.claimId) {
        shown.envelope = won;
        this.#summary.setAttribute("data-claim-id", won.claimId);
        title.textContent = s().envelopeFrom(this.#ctx.sponsorName(won.sponsorId));
        amount.textContent = yuan(won.amountCents);
      }
      note.textContent = opened.kind === "opened" ? s().openedNote : opened.signed ? s().keptClaimNote : s().pendingClaimNote;
      const wallet = h("button", { type: "button", class: "secondary", text: s().seeInWallet });
      wallet.addEventListener("click", () => {
        this.#dialog.close();
        this.#ctx.showWallet();
      });
      actions.replaceChildren(shareButton(won.claimId), h("p", { class: "win-buttons" }, wallet, this.#keepShakingButton()));
      this.#summarize();
    });
    this.#dialog.className = "win";
    this.#dialog.replaceChildren(title, this.#asset(envelope.assetId, sponsor, "win-logo"), art, hint, open, amount, note, actions, close);
    return open;
  }

  #keepShakingButton() {
    const keep = h("button", { type: "button", class: "secondary", text: s().keepShaking });
    keep.addEventListener("click", () => this.#dialog.close());
    return keep;
  }

  /** The line under the shake button: what was won, or the envelope still to open. */
  #summarize() {
    const shown = this.#shown;
    if (!shown) return;
    const { envelope } = shown;
    const sponsor = this.#ctx.sponsorName(envelope.sponsorId);
    if (shown.voided) {
      this.#summary.className = "result result-voided";
      return this.#summary.replaceChildren(h("p", { text: s().voidedTitle }));
    }
    if (shown.opened) return this.#summary.replaceChildren(h("p", { text: s().wonSummary(sponsor, yuan(envelope.amountCents)) }));
    if (this.#dialog.open) return;
    // One tap here opens it too: the envelope comes back over the screen with its amount.
    const reopen = h("button", { type: "button", class: "open-button", text: s().openEnvelope });
    reopen.addEventListener("click", () => {
      const open = this.#render();
      this.#dialog.showModal();
      open.click();
    });
    this.#summary.replaceChildren(h("p", { text: s().unopenedSummary(sponsor) }), reopen);
  }

  /**
   * @param {string} assetId
   * @param {string} alt
   * @param {string} className
   */
  #asset(assetId, alt, className) {
    const url = this.#ctx.assetUrl(assetId);
    return url ? h("img", { src: url, alt, class: `asset ${className}`, "data-asset-id": assetId }) : h("p", { text: alt });
  }
}

/**
 * Tells the server the envelope was opened, which starts its settlement to the wallet; an
 * edge-lease win sends its signed claim, which the server then holds, so the phone forgets it.
 * @param {string} claimId
 * @param {HeldClaims} claims
 * @returns {Promise<{ kind: "opened", envelope: WonEnvelope } | { kind: "kept", signed: boolean } | { kind: "voided" }>}
 */
async function openOnServer(claimId, claims) {
  const signedClaim = claims.signedClaimFor(claimId);
  /** @type {OpenRequest} */
  const body = signedClaim ? { signedClaim } : {};
  try {
    /** @type {OpenResponse} */
    const opened = await userCall(`/api/envelopes/${encodeURIComponent(claimId)}/open`, { method: "POST", body });
    claims.drop([claimId, opened.envelope.claimId]);
    return { kind: "opened", envelope: opened.envelope };
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 409 && err.code === "claim_voided") {
      claims.drop([claimId]);
      return { kind: "voided" };
    }
    return { kind: "kept", signed: Boolean(signedClaim) };
  }
}
