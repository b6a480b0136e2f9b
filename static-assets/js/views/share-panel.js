/**
 * The share link of a new group envelope: the `/g/<id>` URL as a link, "Share…" through the
 * Web Share API where the browser has it, and "Copy link" through the Clipboard API (the link
 * text is selected for a manual copy where that is refused).
 */
import { h } from "../dom.js";
import { dateTime, s, yuan } from "../i18n.js";

/** @typedef {import("../../../src/wire/index").CreateGroupResponse} CreateGroupResponse */

/** @param {CreateGroupResponse} created */
export function sharePanel(created) {
  const url = new URL(created.shareUrl, location.origin).href;
  const until = dateTime(created.expiresAt);
  const status = h("p", { class: "hint", role: "status" });
  const link = h("a", { href: url, class: "share-link", text: url });
  const copy = h("button", { type: "button", class: "secondary", text: s().copyLink });
  copy.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(url);
      status.textContent = s().linkCopied;
    } catch {
      getSelection()?.selectAllChildren(link);
      status.textContent = s().copySelected;
    }
  });
  const actions = h("p", { class: "share-actions" }, copy);
  if (typeof navigator.share === "function") {
    const share = h("button", { type: "button", class: "secondary", text: s().shareDots });
    share.addEventListener("click", () => navigator.share({ title: s().shareTitle, text: s().shareText, url }).catch(() => undefined));
    actions.prepend(share);
  }
  return h(
    "div",
    { class: "share", "data-group-id": created.id },
    h("p", { text: s().shareIntro(yuan(created.amountCents), created.count, until) }),
    link,
    actions,
    status,
  );
}
