/** Pool creation form: a sponsor's budget for a lottery phase, split and dealt across shards. */
import { errorText, h, table } from "../js/dom.js";
import { formatCents, parseCents } from "../js/money.js";
import { adminCall } from "./admin-api.js";

/** @typedef {import("../../src/wire/index").Timeline} Timeline */
/** @typedef {import("../../src/wire/index").CreatePoolResponse} CreatePoolResponse */
/** @typedef {import("../../src/wire/index").CreatePoolRequest} CreatePoolRequest */

/**
 * @param {HTMLFormElement} form
 * @param {HTMLElement} output
 * @param {() => Timeline | null} timeline
 */
export function wirePoolForm(form, output, timeline) {
  const phase = /** @type {HTMLSelectElement} */ (form.elements.namedItem("phaseId"));
  const sponsor = /** @type {HTMLSelectElement} */ (form.elements.namedItem("sponsorId"));
  const fillSponsors = () => {
    const chosen = timeline()?.phases.find((p) => p.id === phase.value);
    sponsor.replaceChildren(...(chosen?.sponsorIds ?? []).map((id) => h("option", { value: id, text: id })));
  };
  const fillPhases = () => {
    const lotteries = timeline()?.phases.filter((p) => p.kind === "lottery") ?? [];
    phase.replaceChildren(...lotteries.map((p) => h("option", { value: p.id, text: p.title })));
    fillSponsors();
  };
  phase.addEventListener("change", fillSponsors);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const text = (/** @type {string} */ name) => String(data.get(name) ?? "").trim();
    const budgetCents = parseCents(text("budget"));
    const minCents = text("min") ? parseCents(text("min")) : undefined;
    const maxCents = text("max") ? parseCents(text("max")) : undefined;
    const splitAmountCents = text("splitAmount") ? parseCents(text("splitAmount")) : undefined;
    if (budgetCents === null || minCents === null || maxCents === null || splitAmountCents === null) {
      output.textContent = "Amounts must look like 1234.56";
      return;
    }
    const split = splitAmountCents === undefined ? {} : { splitAmountCents, splitCount: Number(text("splitCount")) };
    /** @type {CreatePoolRequest} */
    const request = {
      phaseId: phase.value,
      sponsorId: sponsor.value,
      budgetCents,
      count: Number(text("count")),
      minCents,
      maxCents,
      ...split,
    };
    try {
      /** @type {CreatePoolResponse} */
      const created = await adminCall("POST", "/pools", request);
      output.replaceChildren(
        h("p", {
          role: "status",
          text: `Created ${created.pool.poolId}: ${created.pool.count} envelopes, ${formatCents(created.pool.budgetCents)}${created.pool.split ? `; each winner may share ${formatCents(created.pool.split.amountCents)} in ${created.pool.split.count} shares` : ""}`,
        }),
        table(
          ["Shard", "Envelopes", "Sum"],
          created.shards.map((s) => [String(s.shard), String(s.count), formatCents(s.sumCents)]),
        ),
      );
    } catch (err) {
      output.textContent = `Pool not created: ${errorText(err)}`;
    }
  });
  return fillPhases;
}
