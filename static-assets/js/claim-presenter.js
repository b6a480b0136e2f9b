/**
 * Presents the signed claims the phone keeps (`POST /api/envelopes/present`) until the server
 * has recorded or voided each one: when the app starts, when the network comes back, and a
 * few seconds after each edge-lease win (so wins close together go in one batch). Network
 * errors, 5xx and 429 keep the claims and back off like the shaker does (growing, jittered,
 * never sooner than a Retry-After); a claim the answer does not mention is kept too.
 */
import { ApiFailure, userCall } from "./api.js";
import { nextDelayMs } from "./pacing.js";

/** @typedef {import("../../src/wire/index").PresentRequest} PresentRequest */
/** @typedef {import("../../src/wire/index").PresentResponse} PresentResponse */
/** @typedef {import("./held-claims.js").HeldClaims} HeldClaims */
/** @typedef {(request: PresentRequest) => Promise<PresentResponse>} SendPresent */
/** @typedef {(claimId: string, reason: string | undefined) => void} OnVoided */

/** Wait after a win before presenting, and the floor between attempts. */
export const PRESENT_DELAY_MS = 3_000;
/** Signed claims per request (a viewer holds at most 3 per gala). */
export const PRESENT_BATCH = 20;

/** @type {SendPresent} */
const presentToServer = (request) => userCall("/api/envelopes/present", { method: "POST", body: request });

export class ClaimPresenter {
  #claims;
  #send;
  #onVoided;
  #random;
  #failures = 0;
  /** No attempt before this moment (back-off, Retry-After). */
  #notBefore = 0;
  #dueAt = Infinity;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #timer;
  /** @type {Promise<void> | null} */
  #round = null;

  /**
   * @param {HeldClaims} claims
   * @param {{ send?: SendPresent, onVoided?: OnVoided, random?: () => number }} [options]
   */
  constructor(claims, { send = presentToServer, onVoided = () => {}, random = Math.random } = {}) {
    this.#claims = claims;
    this.#send = send;
    this.#onVoided = onVoided;
    this.#random = random;
  }

  /** A new claim is held: present it in a few seconds (or when the back-off allows). */
  soon() {
    this.#schedule(PRESENT_DELAY_MS);
  }

  /** Presents what is held now, unless a back-off is running; resolves when the round is over. */
  presentNow() {
    if (Date.now() < this.#notBefore) {
      this.#schedule(0);
      return Promise.resolve();
    }
    clearTimeout(this.#timer);
    this.#dueAt = Infinity;
    this.#round ??= this.#present().finally(() => (this.#round = null));
    return this.#round;
  }

  async #present() {
    const batch = this.#claims.all().slice(0, PRESENT_BATCH);
    if (batch.length === 0) return;
    let retryAfterMs = 0;
    try {
      const { results } = await this.#send({ signedClaims: batch.map((c) => c.signedClaim) });
      const done = results.filter((r) => r.status === "recorded" || r.status === "voided");
      this.#claims.drop(done.map((r) => r.claimId));
      for (const r of done) if (r.status === "voided") this.#onVoided(r.claimId, r.reason);
      const answered = new Set(done.map((r) => r.claimId));
      this.#failures = batch.every((c) => answered.has(c.claimId)) ? 0 : this.#failures + 1;
    } catch (err) {
      this.#failures += 1;
      if (err instanceof ApiFailure) retryAfterMs = err.retryAfterMs;
    }
    const delayMs = nextDelayMs({ floorMs: Math.max(PRESENT_DELAY_MS, retryAfterMs), failures: this.#failures }, this.#random);
    this.#notBefore = this.#failures > 0 ? Date.now() + delayMs : 0;
    if (this.#claims.all().length > 0) this.#schedule(delayMs);
  }

  /** @param {number} delayMs */
  #schedule(delayMs) {
    const due = Math.max(Date.now() + delayMs, this.#notBefore);
    if (due >= this.#dueAt) return;
    clearTimeout(this.#timer);
    this.#dueAt = due;
    this.#timer = setTimeout(() => {
      this.#dueAt = Infinity;
      this.presentNow();
    }, due - Date.now());
  }
}
