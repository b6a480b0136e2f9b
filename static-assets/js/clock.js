/**
 * The server's clock on the phone, from the answers the page already gets: no request of its
 * own. The offset is `server time − phone time`; each answer bounds it. A request sent at
 * phone time `sentAt` and answered at `receivedAt` was stamped by the server at some server
 * time in [serverFrom, serverTo): so the offset lies in
 * [serverFrom − receivedAt, serverTo − sentAt]. Answers that carry the server's millisecond
 * time (a shake, the first timeline) bound it to their round trip; a `Date` header (every
 * poll of the published timeline) only to its round trip plus a second, but polls timed so
 * the server's second boundary falls in the middle of what is still unknown halve it each
 * time (`probeDelayMs`). The bounds of every answer intersect, widened for the phone's drift
 * as they age; an answer outside them means the phone's clock jumped, and the clock starts
 * again from that answer.
 */

/** How fast the bounds widen with age: 500 ppm, the most a clock is slewed while it syncs. */
const DRIFT_PER_MS = 0.0005;

/**
 * @typedef {{ sentAt: number, receivedAt: number, serverFrom: number, serverTo: number }} ClockSample
 * One answer: phone times of the request and the answer, and the server times its stamp lies in.
 */

/**
 * An answer carrying the server's time in milliseconds.
 * @param {number} sentAt
 * @param {number} receivedAt
 * @param {number} serverTime
 * @returns {ClockSample}
 */
export const fromServerTime = (sentAt, receivedAt, serverTime) => ({
  sentAt,
  receivedAt,
  serverFrom: serverTime,
  serverTo: serverTime + 1,
});

/**
 * An answer's `Date` header (whole seconds), or null when it has none the page may read.
 * @param {number} sentAt
 * @param {number} receivedAt
 * @param {string | null} date
 * @returns {ClockSample | null}
 */
export function fromDateHeader(sentAt, receivedAt, date) {
  const at = date === null ? NaN : Date.parse(date);
  return Number.isFinite(at) ? { sentAt, receivedAt, serverFrom: at, serverTo: at + 1_000 } : null;
}

/** @typedef {{ lo: number, hi: number, at: number }} Bounds the offset lies in [lo, hi] as of phone time `at` */

/** @param {number} x @param {number} m */
const mod = (x, m) => ((x % m) + m) % m;

export class ServerClock {
  /** @type {Bounds | null} */
  #bounds = null;
  /** The round trip of the latest answer: what the next probe expects. */
  #roundTripMs = 0;
  #now;

  /** @param {{ now?: () => number }} [options] the phone's clock (Date.now) */
  constructor({ now = Date.now } = {}) {
    this.#now = now;
  }

  /**
   * Takes one answer into account; false when it contradicted what was known (the phone's
   * clock jumped), and the clock started again from it.
   * @param {ClockSample} sample
   */
  add(sample) {
    const next = { lo: sample.serverFrom - sample.receivedAt, hi: sample.serverTo - sample.sentAt, at: sample.receivedAt };
    this.#roundTripMs = sample.receivedAt - sample.sentAt;
    const known = this.#bounds && this.#aged(this.#bounds, next.at);
    const lo = Math.max(known?.lo ?? -Infinity, next.lo);
    const hi = Math.min(known?.hi ?? Infinity, next.hi);
    const agreed = lo <= hi;
    this.#bounds = agreed ? { lo, hi, at: next.at } : next;
    return agreed;
  }

  /** The offset to add to the phone's clock (0 before any answer). */
  offsetMs() {
    return this.#bounds ? Math.round((this.#bounds.lo + this.#bounds.hi) / 2) : 0;
  }

  /** The most the offset can be wrong by now (Infinity before any answer). */
  uncertaintyMs() {
    if (!this.#bounds) return Infinity;
    const { lo, hi } = this.#aged(this.#bounds, this.#now());
    return (hi - lo) / 2;
  }

  /** The server's time now, as well as the page knows it. */
  serverNow() {
    return this.#now() + this.offsetMs();
  }

  /**
   * When to send the next request whose `Date` header is read, between `earliestMs` and
   * `latestMs` from now (at least a second apart): at the moment the server would stamp it
   * on a second boundary if the offset were the middle of its bounds, so the header's second
   * tells which half the offset is in.
   * @param {number} earliestMs
   * @param {number} latestMs
   */
  probeDelayMs(earliestMs, latestMs) {
    if (!this.#bounds) return latestMs;
    const now = this.#now();
    const stampAt = now + latestMs + this.#roundTripMs / 2 + this.offsetMs();
    return Math.max(earliestMs, latestMs - mod(stampAt, 1_000));
  }

  /**
   * @param {Bounds} b
   * @param {number} at
   * @returns {Bounds}
   */
  #aged(b, at) {
    const widen = Math.abs(at - b.at) * DRIFT_PER_MS;
    return { lo: b.lo - widen, hi: b.hi + widen, at };
  }
}
