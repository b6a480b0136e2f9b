/**
 * One observer's view of the load it puts through something: calls per second, calls not yet
 * answered, and their smoothed latency (forgotten once stale). The edge keeps one for itself
 * and one per pool shard it calls. No I/O; the caller passes the clock.
 */
import { RateWindow } from "./rate-window";

export class LoadGauge {
  readonly #calls = new RateWindow();
  #inFlight = 0;
  #latencyMs = 0;
  #latencyAt = 0;

  /** `latencyWeight`: weight of the newest latency in the moving average. */
  constructor(
    readonly latencyWeight: number,
    readonly staleMs: number,
  ) {}

  start(now: number): void {
    this.#calls.record(now);
    this.#inFlight++;
  }

  finish(startedAt: number, now: number): void {
    this.#inFlight--;
    this.#latencyMs += (now - startedAt - this.#latencyMs) * this.latencyWeight;
    this.#latencyAt = now;
  }

  perSecond(now: number): number {
    return this.#calls.perSecond(now);
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** The smoothed latency, or 0 when nothing was answered within `staleMs`. */
  latencyMs(now: number): number {
    return now - this.#latencyAt < this.staleMs ? this.#latencyMs : 0;
  }
}
