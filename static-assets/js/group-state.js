/**
 * What a group envelope's grab page says, as pure functions of the server's answers: the
 * state a viewer finds it in (grab, already, empty, expired) and the text for each.
 */
import { s, yuan } from "./i18n.js";

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
      return s().grabbed(yuan(outcome.amountCents));
    case "already":
      return s().alreadyGrabbed(yuan(outcome.amountCents));
    case "empty":
      return s().groupEmpty;
    case "expired":
      return s().groupExpired;
  }
}

/**
 * "¥8.88 in 5 shares · 3 left"
 * @param {GroupView} group
 */
export function summaryText(group) {
  return s().groupSummary(yuan(group.amountCents), group.count, group.remainingCount);
}

/**
 * The server's label in the viewer's language: its "Friend N" for an anonymous grabber, or a display name as it is.
 * @param {string} label
 */
const labelText = (label) => {
  const friend = /^Friend (\d+)$/.exec(label);
  return friend ? s().friend(friend[1]) : label;
};

/**
 * Who grabbed what, for the list: the viewer is "You", the sender "The sender", everyone
 * else the server's label (their display name, or "Friend N"; never an id), in the viewer's language.
 * @param {GroupView} group
 */
export function grabLines(group) {
  return [...group.grabs]
    .sort((a, b) => a.grabbedAt - b.grabbedAt)
    .map((g) => ({ who: g.you ? s().you : g.sender ? s().theSender : labelText(g.label), amount: yuan(g.amountCents), mine: g.you }));
}
