/**
 * A cheap sliding count of events over the last second: two one-second buckets, the older
 * one weighted by how much of it still overlaps the window. No I/O; the caller passes the
 * clock, so it works in an edge isolate and inside a Durable Object alike.
 */
const WINDOW_MS = 1000;

export class RateWindow {
  #bucketStart = 0;
  #current = 0;
  #previous = 0;

  #roll(now: number): void {
    const bucket = Math.floor(now / WINDOW_MS) * WINDOW_MS;
    if (bucket === this.#bucketStart) return;
    this.#previous = bucket - this.#bucketStart === WINDOW_MS ? this.#current : 0;
    this.#current = 0;
    this.#bucketStart = bucket;
  }

  record(now: number): void {
    this.#roll(now);
    this.#current++;
  }

  /** Estimated events in the second ending at `now`. */
  perSecond(now: number): number {
    this.#roll(now);
    const overlap = 1 - (now - this.#bucketStart) / WINDOW_MS;
    return this.#current + this.#previous * overlap;
  }
}
