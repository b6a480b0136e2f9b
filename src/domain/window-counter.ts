/**
 * Per-key fixed-window counters aligned to the clock (the same windows the Workers Rate
 * Limiting binding uses): at most `limit` hits per key per `periodSeconds`. A key can also
 * be blocked for the rest of the window when another source (the binding, which counts
 * across isolates) says it is over. Every key's window rolls at the same instant, so the
 * whole map is dropped then; memory is bounded by the keys seen in one window.
 */
export class WindowCounter {
  #window = -1;
  #counts = new Map<string, number>();

  constructor(
    readonly limit: number,
    readonly periodSeconds: number,
  ) {}

  #roll(now: number): void {
    const window = Math.floor(now / (this.periodSeconds * 1000));
    if (window !== this.#window) {
      this.#window = window;
      this.#counts.clear();
    }
  }

  /** Counts a hit; false when the key is over its limit (or blocked) in this window. */
  hit(key: string, now: number): boolean {
    this.#roll(now);
    const count = (this.#counts.get(key) ?? 0) + 1;
    this.#counts.set(key, count);
    return count <= this.limit;
  }

  /** Whether the key has used up its limit in this window (counts nothing). */
  spent(key: string, now: number): boolean {
    this.#roll(now);
    return (this.#counts.get(key) ?? 0) >= this.limit;
  }

  /** Treats the key as over its limit until the window ends. */
  block(key: string, now: number): void {
    this.#roll(now);
    this.#counts.set(key, Number.POSITIVE_INFINITY);
  }

  /** Whole seconds until the current window ends (for Retry-After). */
  retryAfterSeconds(now: number): number {
    return this.periodSeconds - (Math.floor(now / 1000) % this.periodSeconds);
  }
}
