/**
 * Client pacing: when the next shake may leave the phone. Pure (time and randomness are
 * passed in), so a million phones obeying it can be reasoned about in unit tests.
 *
 * - The server's throttle hint (`minIntervalMs`) and any `retryAfterMs` / `Retry-After` are
 *   floors: the client never shakes sooner.
 * - Jitter is added on top of the floor (never below it) so phones do not fire in lockstep.
 * - Errors and timeouts double the back-off ceiling per consecutive failure, up to a cap.
 */

export const BACKOFF_BASE_MS = 1_000;
export const BACKOFF_CAP_MS = 60_000;
/** Share of the floor added at random on top of it. */
export const JITTER_SPREAD = 0.25;

/**
 * Back-off ceiling after `failures` consecutive failures: 1 s, 2 s, 4 s … capped at 60 s.
 * @param {number} failures
 */
export function backoffCeilingMs(failures) {
  if (failures <= 0) return 0;
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** (failures - 1));
}

/**
 * Delay before the next shake.
 * @param {{ floorMs: number, failures: number }} state
 * @param {() => number} random uniform in [0, 1)
 */
export function nextDelayMs({ floorMs, failures }, random) {
  const spaced = floorMs + floorMs * JITTER_SPREAD * random();
  const ceiling = backoffCeilingMs(failures);
  // "Equal jitter": at least half the ceiling, so back-off still grows with every failure.
  const backoff = ceiling / 2 + (ceiling / 2) * random();
  return Math.ceil(Math.max(spaced, backoff));
}

/**
 * `Retry-After` as milliseconds: delta-seconds or an HTTP date; 0 when absent or unreadable.
 * @param {string | null} header
 * @param {number} nowMs
 */
export function retryAfterHeaderMs(header, nowMs) {
  if (!header) return 0;
  const trimmed = header.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? 0 : Math.max(0, at - nowMs);
}

/** Tracks the earliest moment the next shake may go out. */
export class Pacer {
  #random;
  #failures = 0;
  #readyAt = 0;
  #throttleLevel = 0;

  /** @param {() => number} random */
  constructor(random = Math.random) {
    this.#random = random;
  }

  /**
   * An answer arrived: obey its throttle hint and any retry hint.
   * @param {number} nowMs
   * @param {{ minIntervalMs: number, level: number }} throttle
   * @param {number} [retryAfterMs]
   */
  answered(nowMs, throttle, retryAfterMs = 0) {
    this.#failures = 0;
    this.#throttleLevel = throttle.level;
    this.#schedule(nowMs, Math.max(throttle.minIntervalMs, retryAfterMs));
  }

  /**
   * The shake failed (network error, timeout, 5xx, 429): back off, never sooner than a retry hint.
   * @param {number} nowMs
   * @param {number} [retryAfterMs]
   */
  failed(nowMs, retryAfterMs = 0) {
    this.#failures += 1;
    this.#schedule(nowMs, retryAfterMs);
  }

  /** @param {number} nowMs */
  waitMs(nowMs) {
    return Math.max(0, this.#readyAt - nowMs);
  }

  get failures() {
    return this.#failures;
  }

  get throttleLevel() {
    return this.#throttleLevel;
  }

  /**
   * @param {number} nowMs
   * @param {number} floorMs
   */
  #schedule(nowMs, floorMs) {
    this.#readyAt = nowMs + nextDelayMs({ floorMs, failures: this.#failures }, this.#random);
  }
}
