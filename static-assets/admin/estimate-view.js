/**
 * Capacity and cost: the capacity plan and the night's estimated bill for the stored show,
 * for the audience the operator enters (`GET /api/admin/estimate?viewers=`). The server
 * prices it with the model `npm run capacity` prints (load/capacity), at this deployment's
 * settings, from the saved timeline and its pools: save draft edits to see them counted.
 */
import { errorText, h, table } from "../js/dom.js";
import { adminCall } from "./admin-api.js";

/** @typedef {import("../../src/wire/index").CostEstimate} CostEstimate */

const count = (/** @type {number} */ x) => Math.round(x).toLocaleString("en-US");
const usd = (/** @type {number} */ x) => x.toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
const percent = (/** @type {number} */ x) => `${(100 * x).toFixed(1)}%`;

/** @param {CostEstimate} e */
function planView({ show, plan }) {
  const shardsShort = plan.shardsNeeded > plan.shardsConfigured;
  const partitionsShort = plan.ledgerPartitionsNeeded > plan.ledgerPartitionsConfigured;
  return h(
    "div",
    { class: "estimate-plan" },
    h("h3", { text: "Capacity plan" }),
    h("p", {
      text: `${count(show.viewers)} phones, ${count(show.peakShakesPerSecond)} shakes/s at the peak; ${count(show.envelopes)} envelopes in ${show.lotteryPhases} lottery phases, ${count(show.peakEnvelopesPerSecond)}/s in the busiest; ${show.showHours.toFixed(1)} h of show`,
    }),
    table(
      ["", "needed", "configured", "at the peak"],
      [
        [
          "Pool shards",
          count(plan.shardsNeeded),
          count(plan.shardsConfigured),
          `${count(plan.perShardRequestsPerSecond)} req/s each (${percent(plan.perShardLoad)} of the limit)`,
        ],
        ["Ledger partitions", count(plan.ledgerPartitionsNeeded), count(plan.ledgerPartitionsConfigured), ""],
        ["Settlement messages", "", "", `${count(plan.settlementMessagesPerSecond)}/s`],
        [
          "Published timeline",
          "",
          "",
          `${count(plan.liveReadsPerSecond)} reads/s from the cache; an edit reaches phones within ${(plan.livePropagationMs / 1_000).toFixed(0)} s`,
        ],
      ],
    ),
    ...(shardsShort || partitionsShort
      ? [
          h("p", {
            class: "alert warning",
            role: "alert",
            text: `Not enough ${shardsShort ? "pool shards" : "ledger partitions"} for this audience: raise ${shardsShort ? "SHARD_COUNT" : "LEDGER_PARTITIONS"} before loading pools (docs/capacity.md).`,
          }),
        ]
      : []),
  );
}

/** @param {CostEstimate} e */
function billView({ bill }) {
  return h(
    "div",
    { class: "estimate-bill" },
    h("h3", { text: `Estimated bill: ${usd(bill.totalUsd)} USD` }),
    table(
      ["item", "USD", "share"],
      bill.items.map((i) => [i.item, usd(i.usd), percent(i.share)]),
    ),
    h("p", {
      class: "hint",
      text: `Of which ${usd(bill.historyRescansUsd)} USD is the audit and repairs rescanning the night's stores; ${usd(bill.fixedUsd)} USD is spent whatever the audience (the plan, the minute cron, the operators' own work).`,
    }),
  );
}

export class EstimateView {
  #form;
  #output;

  /**
   * @param {HTMLFormElement} form with a `viewers` input
   * @param {HTMLElement} output
   */
  constructor(form, output) {
    this.#form = form;
    this.#output = output;
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      void this.refresh();
    });
  }

  async refresh() {
    const viewers = Number(new FormData(this.#form).get("viewers"));
    try {
      /** @type {CostEstimate} */
      const estimate = await adminCall("GET", `/estimate?viewers=${encodeURIComponent(String(viewers))}`);
      this.#output.replaceChildren(planView(estimate), billView(estimate));
    } catch (err) {
      this.#output.replaceChildren(h("p", { class: "alert critical", role: "alert", text: `No estimate: ${errorText(err)}` }));
    }
  }
}
