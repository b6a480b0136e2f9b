/**
 * Operator console: signed in through Cloudflare Access (its cookie comes with every call)
 * or, break-glass, with the admin secret; then the editor, dashboard, pools, audit, sponsor
 * statements and log.
 * It asks who the operator is (`GET /api/operator`, always 200) before it calls any admin
 * route, so the signed-out screen makes no refused call.
 */
import { ApiFailure, apiJson } from "../js/api.js";
import { fromServerTime, ServerClock } from "../js/clock.js";
import { byId } from "../js/dom.js";
import { adminSecret } from "./admin-api.js";
import { showAdminLog } from "./admin-log-view.js";
import { startAlerts } from "./alerts-panel.js";
import { runAudit } from "./audit-view.js";
import { Dashboard } from "./dashboard.js";
import { EstimateView } from "./estimate-view.js";
import { showLatestRehearsal } from "./rehearsal-link.js";
import { StatementView } from "./statement-view.js";
import { wirePoolForm } from "./pools-form.js";
import { TimelineEditor } from "./timeline-editor.js";

const signIn = byId("sign-in", HTMLFormElement);
const signInError = byId("sign-in-error", HTMLElement);
const consoleEl = byId("console", HTMLElement);

/** The console's clock reads `GET /api/time` (a few operators, unlike millions of phones). */
const clock = new ServerClock();
const serverNow = () => clock.serverNow();

async function syncClock() {
  for (let i = 0; i < 3; i++) {
    const sentAt = Date.now();
    try {
      const { serverTime } = await apiJson("/api/time");
      clock.add(fromServerTime(sentAt, Date.now(), serverTime));
    } catch {
      // A lost sample only lowers precision.
    }
  }
}

const estimate = new EstimateView(byId("estimate-form", HTMLFormElement), byId("estimate", HTMLElement));
const statement = new StatementView(byId("statement-form", HTMLFormElement), byId("statement", HTMLElement));
const editor = new TimelineEditor(byId("timeline", HTMLElement), byId("timeline-status", HTMLElement), serverNow, () => {
  fillPhases();
  statement.fillSponsors(editor.timeline?.sponsors ?? []);
  void estimate.refresh();
});
const dashboard = new Dashboard({
  shakes: byId("chart-shakes", SVGSVGElement),
  issued: byId("chart-issued", SVGSVGElement),
  shards: byId("chart-shards", SVGSVGElement),
  remaining: byId("chart-remaining", SVGSVGElement),
  backlog: byId("chart-backlog", SVGSVGElement),
  figures: byId("dashboard-figures", HTMLElement),
  phases: byId("dashboard-phases", HTMLElement),
  backlogFigures: byId("backlog-figures", HTMLElement),
  stuck: byId("backlog-stuck", HTMLElement),
});
const fillPhases = wirePoolForm(byId("pool-form", HTMLFormElement), byId("pool-result", HTMLElement), () => editor.timeline);

/** @typedef {import("../../src/wire/index").OperatorInfo} OperatorInfo */

/** Shows the sign-in screen with a message. @param {string} message */
function signedOut(message) {
  adminSecret.clear();
  signIn.hidden = false;
  consoleEl.hidden = true;
  signInError.textContent = message;
}

async function open() {
  const tried = adminSecret.get() !== null;
  try {
    /** @type {OperatorInfo} */
    const { operator } = await apiJson("/api/operator", { token: adminSecret.get() ?? undefined });
    if (!operator) return signedOut(tried ? "That secret was not accepted." : "");
  } catch (err) {
    return signedOut(`Could not reach the server: ${String(err)}`);
  }
  try {
    await editor.load();
  } catch (err) {
    const refused = err instanceof ApiFailure && (err.status === 401 || err.status === 403);
    return signedOut(refused ? (tried ? "That secret was not accepted." : "") : `Could not reach the server: ${String(err)}`);
  }
  signIn.hidden = true;
  consoleEl.hidden = false;
  fillPhases();
  statement.fillSponsors(editor.timeline?.sponsors ?? []);
  void estimate.refresh();
  void showLatestRehearsal(byId("rehearsal-link", HTMLElement));
  startAlerts(byId("alerts", HTMLElement));
  await dashboard.start();
}

signIn.addEventListener("submit", (event) => {
  event.preventDefault();
  const input = byId("admin-secret", HTMLInputElement);
  adminSecret.set(input.value);
  input.value = "";
  open();
});
byId("sign-out", HTMLButtonElement).addEventListener("click", () => {
  adminSecret.clear();
  location.reload();
});
byId("save-timeline", HTMLButtonElement).addEventListener("click", () => editor.save());
byId("reload-timeline", HTMLButtonElement).addEventListener("click", () => editor.load());
byId("run-audit", HTMLButtonElement).addEventListener("click", () => runAudit(byId("audit-result", HTMLElement)));
byId("show-admin-log", HTMLButtonElement).addEventListener("click", () => showAdminLog(byId("admin-log", HTMLElement)));

void syncClock();
// A Cloudflare Access session (its cookie) needs no secret: ask who the operator is at once.
open();
