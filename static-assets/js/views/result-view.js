/**
 * The result line under the shake button for answers that are not a win: greeting, rest
 * (countdown to the next phase) or busy ("catching its breath"), and a failed shake.
 * Countdowns are elements with `data-countdown-to` that the app's clock tick keeps current.
 * A win has its own full-screen view (win-view.js).
 */
import { h } from "../dom.js";
import { s } from "../i18n.js";

/** @typedef {import("../../../src/wire/index").ShakeResponse} ShakeResponse */
/** @typedef {import("../api.js").ApiFailure} ApiFailure */

/**
 * @param {HTMLElement} container
 * @param {Exclude<ShakeResponse, { kind: "envelope" }>} answer
 * @param {(assetId: string) => string | undefined} assetUrl
 */
export function renderAnswer(container, answer, assetUrl) {
  container.className = `result result-${answer.kind}`;
  container.removeAttribute("data-claim-id");
  switch (answer.kind) {
    case "greeting": {
      const url = assetUrl(answer.assetId);
      return container.replaceChildren(
        url
          ? h("img", { src: url, alt: s().greetingAlt, class: "asset", "data-asset-id": answer.assetId })
          : h("p", { text: s().greetingAlt }),
        h("p", { text: s().greetingText }),
      );
    }
    case "rest":
      return container.replaceChildren(
        h("h2", { text: s().restTitle }),
        answer.nextStartsAt === null
          ? h("p", { text: s().noMorePhases })
          : h("p", {}, s().nextPhaseIn, h("strong", { "data-countdown-to": String(answer.nextStartsAt), text: "…" })),
      );
    case "busy":
      return container.replaceChildren(h("h2", { text: s().busyTitle }), h("p", { text: s().busyText }));
  }
}

/**
 * @param {HTMLElement} container
 * @param {ApiFailure} failure
 */
export function renderFailure(container, failure) {
  container.className = "result result-failed";
  container.removeAttribute("data-claim-id");
  container.textContent =
    failure.status === 429 ? s().tooFast : failure.code === "challenge_failed" ? s().challengeFailedShake : s().networkStruggling;
}
