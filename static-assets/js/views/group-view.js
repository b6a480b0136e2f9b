/**
 * Group envelopes (split packets): the grab page opened from a share link `/g/<id>`, and the
 * share button that turns a won envelope's split budget into a group envelope.
 */
import { ApiFailure, failureReason as reason, userCall } from "../api.js";
import { h } from "../dom.js";
import { onLanguageChange, s } from "../i18n.js";
import { grabLines, outcomeText, summaryText, viewerState } from "../group-state.js";
import { sharePanel } from "./share-panel.js";

/** @typedef {import("../../../src/wire/index").GroupView} GroupView */
/** @typedef {import("../../../src/wire/index").GrabOutcome} GrabOutcome */
/** @typedef {import("../../../src/wire/index").GrabGroupResponse} GrabGroupResponse */
/** @typedef {import("../../../src/wire/index").CreateGroupResponse} CreateGroupResponse */

const GROUP_PATH = /^\/g\/([A-Za-z0-9_-]{1,64})$/;
/** While shares are left, the page re-reads who grabbed what this often. */
const REFRESH_MS = 10_000;

/** The group id when the page was opened from a share link. */
export function sharedGroupId() {
  return GROUP_PATH.exec(location.pathname)?.[1] ?? null;
}

/**
 * @param {HTMLElement} container
 * @param {string} groupId
 */
export async function showGroup(container, groupId) {
  const path = `/api/groups/${encodeURIComponent(groupId)}`;
  const heading = h("h2", { text: s().groupHeading });
  const summary = h("p", { class: "group-summary" });
  const outcome = h("p", { class: "grab-outcome", role: "status" });
  const grab = h("button", { type: "button", class: "open-button", text: s().grabShare });
  const grabs = h("ol", { class: "grabs", "aria-label": s().whoGrabbed });
  const grabsTitle = h("h3", { text: s().whoGrabbed });
  const requestId = crypto.randomUUID();
  /** This viewer's own grab answer; it stays on the page over later refreshes. */
  /** @type {GrabOutcome | null} */
  let grabbed = null;
  /** The latest answer, to write again in another language. */
  /** @type {GroupView | null} */
  let latest = null;

  /** @param {GrabOutcome | { status: "open" }} state */
  const showState = (state) => {
    container.setAttribute("data-state", state.status);
    grab.hidden = state.status !== "open";
    outcome.textContent = state.status === "open" ? "" : outcomeText(state);
  };
  /** @param {GroupView} group */
  const render = (group) => {
    latest = group;
    heading.textContent = group.greeting || s().groupHeading;
    summary.textContent = summaryText(group);
    showState(grabbed ?? viewerState(group));
    grabs.replaceChildren(
      ...grabLines(group).map((line) => h("li", { class: line.mine ? "mine" : "" }, `${line.who}: `, h("strong", { text: line.amount }))),
    );
    return group;
  };
  const refresh = async () => render(await userCall(path));
  const keepFresh = async () => {
    const group = await refresh().catch(() => null);
    if (!group || group.state === "open") setTimeout(keepFresh, REFRESH_MS);
  };

  grab.addEventListener("click", async () => {
    grab.disabled = true;
    try {
      /** @type {GrabGroupResponse} */
      const answer = await userCall(`${path}/grab`, { method: "POST", body: { requestId } });
      grabbed = answer;
      showState(answer);
      await refresh().catch(() => undefined);
    } catch (err) {
      outcome.textContent = s().couldNotGrab(reason(err));
    } finally {
      grab.disabled = false;
    }
  });

  try {
    const group = await userCall(path);
    container.replaceChildren(heading, summary, grab, outcome, grabsTitle, grabs);
    render(group);
    onLanguageChange(() => {
      grab.textContent = s().grabShare;
      grabs.setAttribute("aria-label", s().whoGrabbed);
      grabsTitle.textContent = s().whoGrabbed;
      if (latest) render(latest);
    });
    if (group.state === "open") setTimeout(keepFresh, REFRESH_MS);
  } catch (err) {
    const missing = err instanceof ApiFailure && err.status === 404;
    container.setAttribute("data-state", missing ? "missing" : "error");
    container.replaceChildren(
      h("p", {
        text: missing ? s().noSuchGroup : s().groupUnavailable(reason(err)),
      }),
    );
  }
}

/**
 * Creates a group envelope from a won envelope's split budget and offers its link.
 * @param {string} claimId
 */
export function shareButton(claimId) {
  const out = h("div", { "aria-live": "polite" });
  const button = h("button", { type: "button", class: "secondary", text: s().shareWithFriends });
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      /** @type {CreateGroupResponse} */
      const created = await userCall("/api/groups", { method: "POST", body: { fromClaimId: claimId } });
      button.remove();
      out.replaceChildren(sharePanel(created));
    } catch (err) {
      const noBudget = err instanceof ApiFailure && err.status === 409;
      out.replaceChildren(
        h("p", {
          text: noBudget ? s().noShareBudget : s().cannotShare(reason(err)),
        }),
      );
      button.disabled = noBudget;
      button.hidden = noBudget;
    }
  });
  return h("div", { class: "share-from-envelope" }, button, out);
}
