/**
 * One shake at a time, paced: a shake goes out only when the pacer allows it, a failed or
 * `busy` shake keeps its request id so the retry gets the server's original answer (an
 * envelope won on a lost response, or claimed at a shard the edge stopped waiting for, is
 * not lost; the retry is marked with the lottery phase the shake was first sent in, so the
 * server finds that answer even after the phase has ended, and asks for it only when the
 * request id could have won there), and every answer or failure feeds the pacer. Each shake carries
 * the gala's latest holdings; an answer's holdings and signed claim are kept (held-claims.js)
 * before anything else sees the answer. No shake goes out before the gala is known. An
 * answer comes with when it was sent and received: its `serverTime` sets the page's clock.
 */
import { ApiFailure, userCall } from "./api.js";
import { Pacer } from "./pacing.js";

/** @typedef {import("../../src/wire/index").ShakeResponse} ShakeResponse */
/** @typedef {import("../../src/wire/index").RetryHeader} RetryHeader */
/** @typedef {import("./held-claims.js").HeldClaims} HeldClaims */
/**
 * @typedef {{ kind: "sending" } | { kind: "answer", answer: ShakeResponse, sentAt: number, receivedAt: number }
 *   | { kind: "failed", failure: ApiFailure } | { kind: "paced", waitMs: number }} ShakeEvent
 */

/** @type {RetryHeader} */
export const RETRY_HEADER = "X-Gala-Retry";
/** The retry mark when the shake was first sent outside any lottery phase (as far as the phone knew). */
export const NO_PHASE_MARK = "1";

export class Shaker {
  #pacer = new Pacer();
  #inFlight = false;
  /** @type {string | null} */
  #pendingRequestId = null;
  /** The lottery phase live when the pending shake was first sent (its retries' mark). */
  #pendingPhaseId = NO_PHASE_MARK;
  #onEvent;
  #claims;
  #galaId;
  #lotteryId;

  /**
   * @param {(event: ShakeEvent) => void} onEvent
   * @param {HeldClaims} claims
   * @param {() => string | null} galaId the current gala's id, null until the timeline is known
   * @param {() => string | null} lotteryId the lottery phase live now on the server's clock, if any
   */
  constructor(onEvent, claims, galaId, lotteryId = () => null) {
    this.#onEvent = onEvent;
    this.#claims = claims;
    this.#galaId = galaId;
    this.#lotteryId = lotteryId;
  }

  /** Milliseconds until the next shake may go out (0 = ready). */
  waitMs() {
    return this.#inFlight || this.#galaId() === null ? Infinity : this.#pacer.waitMs(Date.now());
  }

  async shake() {
    const waitMs = this.waitMs();
    if (waitMs > 0) return this.#onEvent({ kind: "paced", waitMs });
    const galaId = /** @type {string} */ (this.#galaId());
    this.#inFlight = true;
    const retry = this.#pendingRequestId !== null;
    if (!retry) this.#pendingPhaseId = this.#lotteryId() ?? NO_PHASE_MARK;
    this.#pendingRequestId ??= crypto.randomUUID();
    this.#onEvent({ kind: "sending" });
    const sentAt = Date.now();
    try {
      /** @type {ShakeResponse} */
      const answer = await userCall(`/api/shake/${this.#pendingRequestId}`, {
        method: "POST",
        headers: { ...this.#claims.shakeHeaders(galaId), ...(retry ? { [RETRY_HEADER]: this.#pendingPhaseId } : {}) },
      });
      const receivedAt = Date.now();
      if (answer.kind !== "busy") this.#pendingRequestId = null;
      this.#keep(galaId, answer);
      this.#pacer.answered(Date.now(), answer.throttle, answer.kind === "busy" ? answer.retryAfterMs : 0);
      this.#inFlight = false;
      this.#onEvent({ kind: "answer", answer, sentAt, receivedAt });
    } catch (err) {
      const failure = err instanceof ApiFailure ? err : new ApiFailure(0, "client", String(err));
      if (failure.status >= 400 && failure.status < 500 && failure.status !== 429) this.#pendingRequestId = null;
      this.#pacer.failed(Date.now(), failure.retryAfterMs);
      this.#inFlight = false;
      this.#onEvent({ kind: "failed", failure });
    }
  }

  /**
   * @param {string} galaId the gala the shake was sent in
   * @param {ShakeResponse} answer
   */
  #keep(galaId, answer) {
    if (answer.kind !== "envelope") return;
    if (answer.holdings) this.#claims.keepHoldings(galaId, answer.holdings);
    const { claimId, signedClaim } = answer.envelope;
    if (signedClaim) this.#claims.keep({ claimId, galaId, signedClaim });
  }
}
