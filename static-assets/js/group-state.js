/**
 * What a group envelope's grab page says, as pure functions of the server's answers: the
 * state a viewer finds it in (grab, already, empty, expired) and the text for each.
 */
import { formatCents } from "./money.js";

/** @typedef {import("../../src/wire/index").GroupView} GroupView */
/** @typedef {import("../../src/wire/index").GrabOutcome} GrabOutcome */

/**
 * The page's state for this viewer: a share they hold wins over every other state.
 * @param {GroupView} group
 * @returns {GrabOutcome | { status: "open" }}
 */
export function viewerState(group) {
  const mine = group.grabs.find((g) => g.you);
  if (mine) return { status: "already", amountCents: mine.amountCents };
  if (group.state === "empty") return { status: "empty" };
  if (group.state === "expired" || group.state === "refunded") return { status: "expired" };
  return { status: "open" };
}

/** @param {GrabOutcome} outcome */
export function outcomeText(outcome) {
  switch (outcome.status) {
    case "grabbed":
      return `You grabbed ${formatCents(outcome.amountCents)}! It is on its way to your wallet.`;
    case "already":
      return `You already grabbed ${formatCents(outcome.amountCents)} from this envelope.`;
    case "empty":
      return "Every share has been grabbed.";
    case "expired":
      return "This envelope has expired; what was left went back to the sender.";
  }
}

/**
 * "¥8.88 in 5 shares · 3 left"
 * @param {GroupView} group
 */
export function summaryText(group) {
  return `${formatCents(group.amountCents)} in ${group.count} shares · ${group.remainingCount} left`;
}

/**
 * Who grabbed what, for the list: the viewer is "You", the sender "The sender", everyone
 * else the server's label (their display name, or "Friend N"; never an id).
 * @param {GroupView} group
 */
export function grabLines(group) {
  return [...group.grabs]
    .sort((a, b) => a.grabbedAt - b.grabbedAt)
    .map((g) => ({ who: g.you ? "You" : g.sender ? "The sender" : g.label, amount: formatCents(g.amountCents), mine: g.you }));
}
