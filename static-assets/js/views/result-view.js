/**
 * Renders a shake answer: envelope (sponsor branding, open to reveal the amount), greeting,
 * rest (countdown to the next phase) or busy ("catching its breath"). Countdowns are
 * elements with `data-countdown-to` that the app's clock tick keeps current. Opening an
 * edge-lease win sends its signed claim; a voided win says so kindly instead.
 */
import { ApiFailure, userCall } from "../api.js";
import { h, prefersReducedMotion } from "../dom.js";
import { formatCents } from "../money.js";
import { shareButton } from "./group-view.js";

/** @typedef {import("../../../src/wire/index").ShakeResponse} ShakeResponse */
/** @typedef {import("../../../src/wire/index").WonEnvelope} WonEnvelope */
/** @typedef {import("../../../src/wire/index").OpenRequest} OpenRequest */
/** @typedef {import("../../../src/wire/index").OpenResponse} OpenResponse */
/** @typedef {import("../held-claims.js").HeldClaims} HeldClaims */
/**
 * @typedef {{ assetUrls: Map<string, string>, sponsorName: (id: string) => string, showWallet: () => void,
 *   claims: HeldClaims }} ViewContext
 */

const VOIDED_TITLE = "This envelope could not be yours after all";
const VOIDED_TEXT =
  "We are sorry: you already hold as many envelopes as one person may win tonight, or this one reached us too late. " +
  "Its money goes back to the pool for other viewers, and nothing leaves your wallet. Keep shaking for the greetings!";

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
  container.removeAttribute("data-claim-id");
  switch (answer.kind) {
    case "envelope":
      container.setAttribute("data-claim-id", answer.envelope.claimId);
      return container.replaceChildren(...envelopeCard(container, answer.envelope, ctx));
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
 * The server voided this claim: if its envelope is what the page shows, say so.
 * @param {HTMLElement} container
 * @param {string} claimId
 */
export function showVoided(container, claimId) {
  if (container.getAttribute("data-claim-id") !== claimId) return;
  container.className = "result result-voided";
  container.replaceChildren(h("h2", { text: VOIDED_TITLE }), h("p", { text: VOIDED_TEXT }));
}

/**
 * @param {HTMLElement} container
 * @param {WonEnvelope} envelope
 * @param {ViewContext} ctx
 */
function envelopeCard(container, envelope, ctx) {
  const title = h("h2", { text: `A red envelope from ${ctx.sponsorName(envelope.sponsorId)}!` });
  const amount = h("p", { class: "amount", hidden: "", "aria-live": "polite" });
  const note = h("p", { class: "note" });
  const open = h("button", { type: "button", class: "open-button", text: "Open the envelope" });
  open.addEventListener("click", async () => {
    open.remove();
    amount.textContent = formatCents(envelope.amountCents);
    amount.removeAttribute("hidden");
    if (!prefersReducedMotion()) amount.classList.add("reveal");
    navigator.vibrate?.([60, 40, 120]);
    const opened = await openOnServer(envelope.claimId, ctx.claims);
    if (opened.kind === "voided") return showVoided(container, envelope.claimId);
    // A win voided because its shake had already won elsewhere opens that shake's envelope.
    const won = opened.kind === "opened" ? opened.envelope : envelope;
    if (won.claimId !== envelope.claimId) {
      container.setAttribute("data-claim-id", won.claimId);
      title.textContent = `A red envelope from ${ctx.sponsorName(won.sponsorId)}!`;
      amount.textContent = formatCents(won.amountCents);
    }
    note.textContent = opened.note;
    const wallet = h("button", { type: "button", class: "secondary", text: "See it in my wallet" });
    wallet.addEventListener("click", ctx.showWallet);
    note.after(h("p", {}, wallet), shareButton(won.claimId));
  });
  const sponsor = ctx.sponsorName(envelope.sponsorId);
  return [title, asset(ctx, envelope.assetId, sponsor), asset(ctx, "anim-envelope", "Red envelope"), open, amount, note];
}

/**
 * Tells the server the envelope was opened, which starts its settlement to the wallet; an
 * edge-lease win sends its signed claim, which the server then holds, so the phone forgets it.
 * @param {string} claimId
 * @param {HeldClaims} claims
 * @returns {Promise<{ kind: "opened", envelope: WonEnvelope, note: string } | { kind: "kept", note: string } | { kind: "voided" }>}
 */
async function openOnServer(claimId, claims) {
  const signedClaim = claims.signedClaimFor(claimId);
  /** @type {OpenRequest} */
  const body = signedClaim ? { signedClaim } : {};
  try {
    /** @type {OpenResponse} */
    const opened = await userCall(`/api/envelopes/${encodeURIComponent(claimId)}/open`, { method: "POST", body });
    claims.drop([claimId, opened.envelope.claimId]);
    return { kind: "opened", envelope: opened.envelope, note: "On its way to your wallet." };
  } catch (err) {
    if (err instanceof ApiFailure && err.status === 409 && err.code === "claim_voided") {
      claims.drop([claimId]);
      return { kind: "voided" };
    }
    const note = signedClaim
      ? "Yours either way: your phone keeps its signed claim and hands it in as soon as the server can take it."
      : "Yours either way: it reaches your wallet when the phase closes.";
    return { kind: "kept", note };
  }
}
