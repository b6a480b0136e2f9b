/**
 * The admin log (`GET /api/admin/log`): every operator change, newest first, with who made
 * it (Cloudflare Access identity or the break-glass secret), when, and the timeline version.
 */
import { errorText, table } from "../js/dom.js";
import { adminCall } from "./admin-api.js";

/** @typedef {import("../../src/wire/index").AdminLogResponse} AdminLogResponse */

/** @param {HTMLElement} output */
export async function showAdminLog(output) {
  try {
    /** @type {AdminLogResponse} */
    const { entries } = await adminCall("GET", "/log?limit=50");
    output.replaceChildren(
      table(
        ["#", "when", "who", "what", "timeline version", "detail"],
        entries.map((e) => [String(e.seq), new Date(e.at).toLocaleString(), e.who, e.action, String(e.timelineVersion), e.detail]),
        entries.length === 0 ? "No changes yet" : `The last ${entries.length} changes`,
      ),
    );
  } catch (err) {
    output.textContent = `The admin log could not be read: ${errorText(err)}`;
  }
}
