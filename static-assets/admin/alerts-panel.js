/**
 * Alerts panel: what needs an operator now (`GET /api/admin/alerts`: stuck settlements, dead
 * letters, a shard near its ceiling, a pool that will not drain, the audit failing), polled
 * every 15 s; the same alerts go to Workers Logs from the minute cron. docs/runbook.md says
 * what to do for each.
 */
import { errorText, h } from "../js/dom.js";
import { adminCall } from "./admin-api.js";

/** @typedef {import("../../src/wire/index").AlertsResponse} AlertsResponse */

const POLL_MS = 15_000;

/** @param {HTMLElement} list */
async function refresh(list) {
  /** @type {AlertsResponse} */
  let report;
  try {
    report = await adminCall("GET", "/alerts");
  } catch (err) {
    list.replaceChildren(h("li", { class: "alert critical", text: `Alerts unavailable: ${errorText(err)}` }));
    return;
  }
  list.replaceChildren(
    ...(report.alerts.length === 0
      ? [h("li", { class: "alert none", text: "No alerts." })]
      : report.alerts.map((a) =>
          h("li", {
            class: `alert ${a.severity}`,
            "data-kind": a.kind,
            text: `${a.severity.toUpperCase()} · ${a.kind.replaceAll("_", " ")}: ${a.message}`,
          }),
        )),
  );
}

/** @param {HTMLElement} list */
export function startAlerts(list) {
  refresh(list);
  setInterval(() => refresh(list), POLL_MS);
}
