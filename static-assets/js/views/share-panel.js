/**
 * The share link of a new group envelope: the `/g/<id>` URL as a link, "Share…" through the
 * Web Share API where the browser has it, and "Copy link" through the Clipboard API (the link
 * text is selected for a manual copy where that is refused).
 */
import { h } from "../dom.js";
import { formatCents } from "../money.js";

/** @typedef {import("../../../src/wire/index").CreateGroupResponse} CreateGroupResponse */

/** @param {CreateGroupResponse} created */
export function sharePanel(created) {
  const url = new URL(created.shareUrl, location.origin).href;
  const until = new Date(created.expiresAt).toLocaleString([], { dateStyle: "short", timeStyle: "short" });
  const status = h("p", { class: "hint", role: "status" });
  const link = h("a", { href: url, class: "share-link", text: url });
  const copy = h("button", { type: "button", class: "secondary", text: "Copy link" });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = "Link copied: paste it to your friends.";
    } catch {
      getSelection()?.selectAllChildren(link);
      status.textContent = "Copy the selected link to your friends.";
    }
  });
  const actions = h("p", { class: "share-actions" }, copy);
  if (typeof navigator.share === "function") {
    const share = h("button", { type: "button", class: "secondary", text: "Share…" });
    share.addEventListener("click", () =>
      navigator.share({ title: "A red envelope for you", text: "Grab a share of my red envelope!", url }).catch(() => undefined),
    );
    actions.prepend(share);
  }
  return h(
    "div",
    { class: "share", "data-group-id": created.id },
    h("p", { text: `${formatCents(created.amountCents)} in ${created.count} shares for your friends, open until ${until}:` }),
    link,
    actions,
    status,
  );
}
