/**
 * The console's link to the latest dress rehearsal (`npm run rehearsal`, docs/rehearsal.md),
 * which copies its report to /rehearsal/latest.html with a summary in /rehearsal/latest.json.
 * Both are git-ignored; without a rehearsal the summary is missing (the asset fallback
 * answers with the viewer shell, which is not JSON) and nothing is shown.
 */

/** @typedef {import("../../src/wire/index").LatestRehearsal} LatestRehearsal */

/**
 * The summary if `body` is one, else null.
 * @param {unknown} body
 * @returns {LatestRehearsal | null}
 */
export function asLatestRehearsal(body) {
  if (typeof body !== "object" || body === null) return null;
  const b = /** @type {Record<string, unknown>} */ (body);
  if (typeof b.passed !== "boolean" || typeof b.startedAt !== "string" || typeof b.report !== "string" || typeof b.findings !== "number")
    return null;
  if (!b.report.startsWith("/rehearsal/")) return null;
  return { startedAt: b.startedAt, passed: b.passed, findings: b.findings, report: b.report };
}

/**
 * The link's words: verdict first, then when.
 * @param {LatestRehearsal} latest
 */
export function rehearsalLinkText(latest) {
  const when = latest.startedAt.replace("T", " ").slice(0, 16);
  return latest.passed
    ? `Latest rehearsal PASSED (${when} UTC): open the report`
    : `Latest rehearsal FAILED with ${latest.findings} finding${latest.findings === 1 ? "" : "s"} (${when} UTC): open the report`;
}

/**
 * Fills `el` with the link when a rehearsal report exists; leaves it hidden otherwise.
 * @param {HTMLElement} el
 */
export async function showLatestRehearsal(el) {
  let latest = null;
  try {
    const res = await fetch("/rehearsal/latest.json", { cache: "no-store" });
    latest = res.ok ? asLatestRehearsal(await res.json()) : null;
  } catch {
    // No rehearsal yet: the fallback page is not JSON.
  }
  if (!latest) return;
  const link = document.createElement("a");
  link.href = latest.report;
  link.target = "_blank";
  link.rel = "noopener";
  link.textContent = rehearsalLinkText(latest);
  el.className = `status ${latest.passed ? "status-ok" : "status-error"}`;
  el.replaceChildren(link);
  el.hidden = false;
}
