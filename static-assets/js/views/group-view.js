/**
 * Group envelopes (split packets): the grab page opened from a share link `/g/<id>`, and the
 * share button that turns a won envelope's split budget into a group envelope.
 */
import { ApiFailure, userCall } from "../api.js";
import { h } from "../dom.js";
import { formatCents } from "../money.js";

/**
 * The fields of `GET /api/groups/:id` this page shows.
 * @typedef {{ greeting: string, amountCents: number, count: number, grabbedCount: number, remainingCount: number, state: string }} GroupSummary
 */

const GROUP_PATH = /^\/g\/([A-Za-z0-9_-]{1,64})$/;

/** The group id when the page was opened from a share link. */
export function sharedGroupId() {
  return GROUP_PATH.exec(location.pathname)?.[1] ?? null;
}

/** @param {unknown} err */
const reason = (err) => (err instanceof ApiFailure ? err.message : "the network is struggling, try again");

/**
 * @param {HTMLElement} container
 * @param {string} groupId
 */
export async function showGroup(container, groupId) {
  const path = `/api/groups/${encodeURIComponent(groupId)}`;
  const outcome = h("p", { class: "amount", role: "status" });
  const grab = h("button", { type: "button", class: "open-button", text: "Grab a share" });
  const requestId = crypto.randomUUID();
  grab.addEventListener("click", async () => {
    grab.disabled = true;
    try {
      /** @type {{ status: string, amountCents?: number }} */
      const answer = await userCall(`${path}/grab`, { method: "POST", body: { requestId } });
      outcome.textContent =
        answer.amountCents !== undefined ? formatCents(answer.amountCents) : answer.status === "expired" ? "This envelope has expired" : "All shares are taken";
      grab.remove();
    } catch (err) {
      outcome.textContent = `Could not grab: ${reason(err)}`;
      grab.disabled = false;
    }
  });
  try {
    /** @type {GroupSummary} */
    const group = await userCall(path);
    container.replaceChildren(
      h("h2", { text: group.greeting || "A red envelope for friends" }),
      h("p", { text: `${formatCents(group.amountCents)} in ${group.count} shares · ${group.remainingCount} left` }),
      ...(group.state === "open" ? [grab] : []),
      outcome,
    );
  } catch (err) {
    container.replaceChildren(h("p", { text: `This envelope cannot be shown: ${reason(err)}` }));
  }
}

/**
 * Creates a group envelope from a won envelope's split budget and offers its link.
 * @param {string} claimId
 */
export function shareButton(claimId) {
  const out = h("p", { role: "status" });
  const button = h("button", { type: "button", class: "secondary", text: "Share with friends" });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      /** @type {{ shareUrl: string }} */
      const created = await userCall("/api/groups", { method: "POST", body: { fromClaimId: claimId } });
      const url = new URL(created.shareUrl, location.origin).href;
      if (navigator.share) await navigator.share({ title: "A red envelope for you", url }).catch(() => undefined);
      out.replaceChildren("Share this link: ", h("a", { href: url, text: url }));
    } catch (err) {
      out.textContent = `Cannot share this one: ${reason(err)}`;
      button.disabled = false;
    }
  });
  return h("div", {}, button, out);
}
