/**
 * Renders a shake answer: envelope (sponsor branding, open to reveal the amount), greeting,
 * rest (countdown to the next phase) or busy ("catching its breath"). Countdowns are
 * elements with `data-countdown-to` that the app's clock tick keeps current.
 */
import { userCall } from "../api.js";
import { h, prefersReducedMotion } from "../dom.js";
import { formatCents } from "../money.js";
import { shareButton } from "./group-view.js";

/** @typedef {import("../../../src/wire/index").ShakeResponse} ShakeResponse */
/** @typedef {import("../../../src/wire/index").WonEnvelope} WonEnvelope */
/** @typedef {{ assetUrls: Map<string, string>, sponsorName: (id: string) => string, showWallet: () => void }} ViewContext */

/**
 * @param {ViewContext} ctx
 * @param {string} assetId
 * @param {string} alt
 */
function asset(ctx, assetId, alt) {
  const url = ctx.assetUrls.get(assetId);
  return url ? h("img", { src: url, alt, class: "asset", "data-asset-id": assetId }) : h("p", { text: alt });
}

/**
 * @param {HTMLElement} container
 * @param {ShakeResponse} answer
 * @param {ViewContext} ctx
 */
export function renderAnswer(container, answer, ctx) {
  container.className = `result result-${answer.kind}`;
  switch (answer.kind) {
    case "envelope":
      return container.replaceChildren(...envelopeCard(answer.envelope, ctx));
    case "greeting":
      return container.replaceChildren(
        asset(ctx, answer.assetId, "Happy New Year!"),
        h("p", { text: "Happy New Year! Keep shaking for a red envelope." }),
      );
    case "rest":
      return container.replaceChildren(
        h("h2", { text: "Rest a moment" }),
        answer.nextStartsAt === null
          ? h("p", { text: "No more phases tonight. Thank you for shaking with us!" })
          : h("p", {}, "The next phase starts in ", h("strong", { "data-countdown-to": String(answer.nextStartsAt), text: "…" })),
      );
    case "busy":
      return container.replaceChildren(
        h("h2", { text: "The server is catching its breath" }),
        h("p", { text: "So many people are shaking right now. Your phone will wait a moment before the next try." }),
      );
  }
}

/**
 * @param {WonEnvelope} envelope
 * @param {ViewContext} ctx
 */
function envelopeCard(envelope, ctx) {
  const sponsor = ctx.sponsorName(envelope.sponsorId);
  const amount = h("p", { class: "amount", hidden: "", "aria-live": "polite" });
  const note = h("p", { class: "note" });
  const open = h("button", { type: "button", class: "open-button", text: "Open the envelope" });
  open.addEventListener("click", async () => {
    open.remove();
    amount.textContent = formatCents(envelope.amountCents);
    amount.removeAttribute("hidden");
    if (!prefersReducedMotion()) amount.classList.add("reveal");
    navigator.vibrate?.([60, 40, 120]);
    note.textContent = await settleNote(envelope.claimId);
    const wallet = h("button", { type: "button", class: "secondary", text: "See it in my wallet" });
    wallet.addEventListener("click", ctx.showWallet);
    note.after(h("p", {}, wallet), shareButton(envelope.claimId));
  });
  return [
    h("h2", { text: `A red envelope from ${sponsor}!` }),
    asset(ctx, envelope.assetId, sponsor),
    asset(ctx, "anim-envelope", "Red envelope"),
    open,
    amount,
    note,
  ];
}

/**
 * Tells the server the envelope was opened, which starts its settlement to the wallet.
 * @param {string} claimId
 */
async function settleNote(claimId) {
  try {
    await userCall(`/api/envelopes/${encodeURIComponent(claimId)}/open`, { method: "POST", body: {} });
    return "On its way to your wallet.";
  } catch {
    return "Yours either way: it reaches your wallet when the phase closes.";
  }
}
