/**
 * The running order on the page, and the server's clock with it, without a Worker request
 * per poll. The page asks the Worker once (`GET /api/timeline`: the phases, the server's
 * time to the millisecond, and `live`: where the show clock publishes every new version);
 * from then on it reads the published copy every `live.pollMs` or so, which Cloudflare's
 * cache answers without running the Worker. Each poll's `Date` header is a clock sample, and
 * polls are timed to the server's second boundaries so those samples sharpen the clock
 * (clock.js). A poll the published copy cannot answer is asked of the Worker instead, so an
 * edit still arrives; a newer version replaces the page's copy and is handed to the service
 * worker for offline use.
 */
import { fromDateHeader, fromServerTime } from "./clock.js";

/** @typedef {import("../../src/wire/index").PublicTimeline} PublicTimeline */
/** @typedef {import("../../src/wire/index").CachedCopyHeader} CachedCopyHeader */
/** @typedef {import("./clock.js").ServerClock} ServerClock */

export const TIMELINE_PATH = "/api/timeline";
/** @type {CachedCopyHeader} */
export const CACHED_COPY_HEADER = "X-Gala-Cached-Copy";
/** Until the first timeline arrives, the Worker is asked this often. */
const FIRST_LOAD_RETRY_MS = 5_000;
const TIMEOUT_MS = 8_000;

export class LiveTimeline {
  /** @type {PublicTimeline | null} */
  #timeline = null;
  #clock;
  #onChange;
  #fetch;
  #now;

  /**
   * @param {{ clock: ServerClock, onChange: (timeline: PublicTimeline) => void, fetch?: typeof fetch, now?: () => number }} options
   */
  constructor({ clock, onChange, fetch = (input, init) => globalThis.fetch(input, init), now = Date.now }) {
    this.#clock = clock;
    this.#onChange = onChange;
    this.#fetch = fetch;
    this.#now = now;
  }

  /** The newest version the page has, or null before the first answer. */
  get timeline() {
    return this.#timeline;
  }

  /** Loads the timeline from the Worker, then keeps polling its published copy. */
  async start() {
    await this.#poll();
  }

  async #poll() {
    const live = this.#timeline?.live;
    const fresh = (live && (await this.#read(live.url, "date"))) || (await this.#read(TIMELINE_PATH, "serverTime"));
    if (fresh) this.#adopt(fresh);
    const pollMs = this.#timeline?.live.pollMs;
    const delay = pollMs === undefined ? FIRST_LOAD_RETRY_MS : this.#clock.probeDelayMs(Math.max(0, pollMs - 1_000), pollMs);
    setTimeout(() => void this.#poll(), delay);
  }

  /**
   * One read, its answer's time given to the clock: a published copy's `Date` header, or the
   * Worker's `serverTime` (unless the service worker answered from its offline copy).
   * @param {string} url
   * @param {"date" | "serverTime"} clockFrom
   * @returns {Promise<PublicTimeline | null>}
   */
  async #read(url, clockFrom) {
    const sentAt = this.#now();
    try {
      const res = await this.#fetch(url, { cache: "no-store", credentials: "omit", signal: AbortSignal.timeout(TIMEOUT_MS) });
      const receivedAt = this.#now();
      if (!res.ok) return null;
      /** @type {PublicTimeline} */
      const timeline = await res.json();
      const sample =
        clockFrom === "date"
          ? fromDateHeader(sentAt, receivedAt, res.headers.get("Date"))
          : res.headers.get(CACHED_COPY_HEADER)
            ? null
            : fromServerTime(sentAt, receivedAt, timeline.serverTime);
      if (sample) this.#clock.add(sample);
      return timeline;
    } catch {
      return null;
    }
  }

  /** @param {PublicTimeline} timeline */
  #adopt(timeline) {
    if (this.#timeline && timeline.version <= this.#timeline.version) return;
    const first = this.#timeline === null;
    this.#timeline = timeline;
    this.#onChange(timeline);
    if (!first) navigator.serviceWorker?.controller?.postMessage({ type: "timeline", timeline });
  }
}
