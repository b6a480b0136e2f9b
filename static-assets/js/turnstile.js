/**
 * Cloudflare Turnstile in the page, for deployments whose anonymous sessions need a bot
 * challenge (ANONYMOUS_SESSIONS = "turnstile"). The script is loaded for explicit rendering
 * (`?render=explicit&onload=…`) and the widget rendered into the page before the first
 * session, invisible unless the visitor must interact (`appearance: "interaction-only"`).
 * Each token is handed out once (a token is single-use): the widget is reset for the next
 * session. An expired token is dropped (the widget refreshes itself); a failed challenge is
 * told and retried after a pause; each state is said in a status line.
 */
import { language, s } from "./i18n.js";

/**
 * The part of Turnstile's client API (turnstile.render and its callbacks) the page uses.
 * @typedef {{ render(container: HTMLElement, params: Record<string, unknown>): string | undefined,
 *   reset(widgetId: string): void }} TurnstileApi
 */

export const TURNSTILE_SCRIPT = "https://challenges.cloudflare.com/turnstile/v0/api.js";
const ONLOAD = "galaTurnstileLoaded";
const RETRY_MS = 3_000;

/** @returns {Promise<TurnstileApi>} */
function loadTurnstile() {
  return new Promise((resolve, reject) => {
    const global = /** @type {Record<string, unknown>} */ (/** @type {unknown} */ (window));
    global[ONLOAD] = () => resolve(/** @type {TurnstileApi} */ (global.turnstile));
    const script = document.createElement("script");
    script.src = `${TURNSTILE_SCRIPT}?render=explicit&onload=${ONLOAD}`;
    script.async = true;
    script.addEventListener("error", () => reject(new Error("the Turnstile script did not load")));
    document.head.append(script);
  });
}

export class TurnstileGate {
  #siteKey;
  #box;
  #status;
  /** @type {Promise<{ api: TurnstileApi, widgetId: string }> | null} */
  #widget = null;
  /** @type {string | undefined} */
  #widgetId;
  /** @type {string | null} */
  #token = null;
  /** @type {((token: string) => void)[]} */
  #waiting = [];

  /**
   * @param {string} siteKey
   * @param {HTMLElement} box shown while the widget is in the page: the widget's container and a status line
   */
  constructor(siteKey, box) {
    this.#siteKey = siteKey;
    this.#box = box;
    this.#status = /** @type {HTMLElement} */ (box.querySelector("[role=status]"));
  }

  /**
   * A fresh token for one new session (renders the widget on first use and waits for it).
   * @returns {Promise<string>}
   */
  async token() {
    const { api, widgetId } = await this.#render();
    /** @type {string} */
    const token = this.#token ?? (await new Promise((resolve) => this.#waiting.push(resolve)));
    this.#token = null;
    api.reset(widgetId);
    return token;
  }

  #render() {
    this.#widget ??= loadTurnstile().then(
      (api) => {
        this.#box.hidden = false;
        this.#say(s().challengeChecking);
        const widgetId = (this.#widgetId = api.render(/** @type {HTMLElement} */ (this.#box.firstElementChild), {
          sitekey: this.#siteKey,
          action: "session",
          appearance: "interaction-only",
          execution: "render",
          "refresh-expired": "auto",
          language: language().toLowerCase(),
          theme: "dark",
          callback: (/** @type {string} */ token) => this.#passed(token),
          "expired-callback": () => this.#expired(),
          "error-callback": () => this.#failed(api),
          "timeout-callback": () => this.#failed(api),
        }));
        if (!widgetId) throw new Error("the Turnstile widget did not render");
        return { api, widgetId };
      },
      (err) => {
        this.#widget = null;
        this.#box.hidden = false;
        this.#say(s().challengeUnavailable);
        throw err;
      },
    );
    return this.#widget;
  }

  /** @param {string} token */
  #passed(token) {
    this.#say("");
    const waiter = this.#waiting.shift();
    if (waiter) waiter(token);
    else this.#token = token;
  }

  #expired() {
    this.#token = null;
    this.#say(s().challengeExpired);
  }

  /**
   * The challenge failed or timed out: say so, and run it again after a pause.
   * @param {TurnstileApi} api
   */
  #failed(api) {
    this.#token = null;
    this.#say(s().challengeFailed);
    setTimeout(() => this.#widgetId && api.reset(this.#widgetId), RETRY_MS);
    // Handled here, so Turnstile does not throw.
    return true;
  }

  /** @param {string} text */
  #say(text) {
    this.#status.textContent = text;
  }
}
