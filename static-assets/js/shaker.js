/**
 * One shake at a time, paced: a shake goes out only when the pacer allows it, a failed shake
 * keeps its request id so the retry gets the server's original answer (an envelope won on a
 * lost response is not lost), and every answer or failure feeds the pacer.
 */
import { ApiFailure, userCall } from "./api.js";
import { Pacer } from "./pacing.js";

/** @typedef {import("../../src/wire/index").ShakeResponse} ShakeResponse */
/**
 * @typedef {{ kind: "sending" } | { kind: "answer", answer: ShakeResponse }
 *   | { kind: "failed", failure: ApiFailure } | { kind: "paced", waitMs: number }} ShakeEvent
 */

export class Shaker {
  #pacer = new Pacer();
  #inFlight = false;
  /** @type {string | null} */
  #pendingRequestId = null;
  #onEvent;

  /** @param {(event: ShakeEvent) => void} onEvent */
  constructor(onEvent) {
    this.#onEvent = onEvent;
  }

  /** Milliseconds until the next shake may go out (0 = ready). */
  waitMs() {
    return this.#inFlight ? Infinity : this.#pacer.waitMs(Date.now());
  }

  async shake() {
    const waitMs = this.waitMs();
    if (waitMs > 0) return this.#onEvent({ kind: "paced", waitMs });
    this.#inFlight = true;
    this.#pendingRequestId ??= crypto.randomUUID();
    this.#onEvent({ kind: "sending" });
    try {
      /** @type {ShakeResponse} */
      const answer = await userCall(`/api/shake/${this.#pendingRequestId}`, { method: "POST" });
      this.#pendingRequestId = null;
      this.#pacer.answered(Date.now(), answer.throttle, answer.kind === "busy" ? answer.retryAfterMs : 0);
      this.#inFlight = false;
      this.#onEvent({ kind: "answer", answer });
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : new ApiFailure(0, "client", String(err));
      if (failure.status >= 400 && failure.status < 500 && failure.status !== 429) this.#pendingRequestId = null;
      this.#pacer.failed(Date.now(), failure.retryAfterMs);
      this.#inFlight = false;
      this.#onEvent({ kind: "failed", failure });
    }
  }
}
