/**
 * Timeline editor: edit phase fields and the expected audience, reorder, save with the version it was loaded at, and
 * start or stop a phase now through the live-show endpoints (the server's clock decides). The
 * server's warnings (phases without pools, plans the expected audience cannot take) are listed
 * under the table after every load and save. A stale version (409) is shown as a conflict with the server's current version,
 * and nothing is overwritten until the operator reloads.
 */
import { ApiFailure } from "../js/api.js";
import { errorText, h } from "../js/dom.js";
import { adminCall } from "./admin-api.js";
import { byStart, swapWithNext } from "./timeline-ops.js";

/** @typedef {import("../../src/wire/index").Phase} Phase */
/** @typedef {import("../../src/wire/index").Timeline} Timeline */
/** @typedef {import("../../src/wire/index").TimelineEditResponse} TimelineEditResponse */
/** @typedef {import("../../src/wire/index").StoredTimeline} StoredTimeline */
/** @typedef {import("../../src/wire/index").TickReport} TickReport */

/** @param {number} ms */
const toLocalInput = (ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 19);
/** @param {string} value */
const fromLocalInput = (value) => new Date(value).getTime();

export class TimelineEditor {
  /** @type {Timeline | null} */
  #timeline = null;
  /** @type {Phase[]} */
  #draft = [];
  /** @type {number | undefined} */
  #audience;
  /** @type {string[]} */
  #warnings = [];
  #root;
  #status;
  #serverNow;
  /** @type {(timeline: Timeline) => void} */
  #onSaved;

  /**
   * @param {HTMLElement} root
   * @param {HTMLElement} status
   * @param {() => number} serverNow
   * @param {(timeline: Timeline) => void} onSaved
   */
  constructor(root, status, serverNow, onSaved) {
    this.#root = root;
    this.#status = status;
    this.#serverNow = serverNow;
    this.#onSaved = onSaved;
  }

  get timeline() {
    return this.#timeline;
  }

  async load() {
    /** @type {StoredTimeline} */
    const { timeline, warnings } = await adminCall("GET", "/timeline");
    this.#timeline = timeline;
    this.#draft = byStart(timeline?.phases ?? []);
    this.#audience = timeline?.audience;
    this.#warnings = warnings;
    this.#say("info", timeline ? `Editing version ${timeline.version}` : "No timeline yet");
    this.render();
  }

  async save() {
    if (!this.#timeline) return;
    const { version, ...doc } = this.#timeline;
    try {
      // An audience left empty is undefined, which JSON leaves out: the timeline then has none.
      /** @type {TimelineEditResponse} */
      const edited = await adminCall("PUT", "/timeline", {
        expectedVersion: version,
        timeline: { ...doc, audience: this.#audience, phases: this.#draft },
      });
      this.#adopt(edited, "Saved");
    } catch (err) {
      this.#refused(err);
    }
  }

  /**
   * Live override on the server's clock: `start` sets the phase's start to now, `stop` its
   * end (and runs the show clock, which closes the phase and moves its leftovers). They apply
   * to the current version; draft edits not yet saved are dropped.
   * @param {Phase} phase
   * @param {"start" | "stop"} action
   */
  async #override(phase, action) {
    try {
      /** @type {TimelineEditResponse & { tick?: TickReport }} */
      const edited = await adminCall("POST", `/timeline/phases/${encodeURIComponent(phase.id)}/${action}`, {});
      const tick = edited.tick;
      this.#adopt(edited, `${action === "start" ? "Started" : "Stopped"} ${phase.title}`, [
        ...(tick?.closedPhases.length ? [`closed: ${tick.closedPhases.join(", ")}`] : []),
        ...(tick?.movesCompleted.length ? [`leftovers moved: ${tick.movesCompleted.length}`] : []),
      ]);
    } catch (err) {
      this.#refused(err);
    }
  }

  /**
   * @param {TimelineEditResponse} edited
   * @param {string} what
   * @param {string[]} [details]
   */
  #adopt({ timeline, warnings }, what, details = []) {
    this.#timeline = timeline;
    this.#draft = byStart(timeline.phases);
    this.#audience = timeline.audience;
    this.#warnings = warnings;
    this.#say("ok", [`${what}: now version ${timeline.version}`, ...details].join(" · "));
    this.render();
    this.#onSaved(timeline);
  }

  /** @param {unknown} err */
  #refused(err) {
    if (err instanceof ApiFailure && err.status === 409) {
      this.#say(
        "conflict",
        `Version conflict: ${err.message}. Someone else changed the show; your edits were NOT saved. Reload to see the current version, then edit again.`,
      );
    } else {
      this.#say("error", `Not saved: ${errorText(err)}`);
    }
  }

  /**
   * @param {"info" | "ok" | "conflict" | "error"} kind
   * @param {string} text
   */
  #say(kind, text) {
    this.#status.className = `status status-${kind}`;
    this.#status.setAttribute("role", kind === "conflict" || kind === "error" ? "alert" : "status");
    this.#status.textContent = text;
  }

  render() {
    const now = this.#serverNow();
    const rows = this.#draft.map((phase, index) => this.#row(phase, index, now));
    const headings = ["Title", "Kind", "Starts", "Ends", "Envelope rate", "Issuance", "Sponsors", "Live actions"];
    const table = h(
      "table",
      { class: "phases" },
      h("caption", { text: "Phases in running order (times in your local time zone)" }),
      h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", { scope: "col", text: t })))),
      h("tbody", {}, ...rows),
    );
    const audience = h("input", {
      id: "timeline-audience",
      type: "number",
      min: "1",
      step: "1",
      placeholder: "not set",
      value: this.#audience === undefined ? "" : String(this.#audience),
    });
    audience.addEventListener("change", () => {
      const value = Number(audience.value);
      this.#audience = audience.value.trim() === "" || !Number.isSafeInteger(value) || value < 1 ? undefined : value;
    });
    this.#root.replaceChildren(
      h("p", {}, h("label", { for: "timeline-audience", text: "Expected viewers at the show (phones): " }), audience),
      h("div", { class: "table-wrap" }, table),
      this.#warningList(),
    );
  }

  /** The server's warnings about the saved timeline, or nothing when it has none. */
  #warningList() {
    if (this.#warnings.length === 0) return h("p", { class: "timeline-warnings-none", text: "No warnings about this timeline." });
    return h(
      "ul",
      { class: "alerts timeline-warnings", "aria-label": "Timeline warnings" },
      ...this.#warnings.map((w) => h("li", { class: "alert warning", text: `Warning: ${w}` })),
    );
  }

  /**
   * @param {Phase} phase
   * @param {number} index
   * @param {number} now
   */
  #row(phase, index, now) {
    const live = phase.startsAt <= now && now < phase.endsAt;
    /**
     * @param {string} label
     * @param {HTMLInputElement | HTMLSelectElement} input
     * @param {(value: string) => Partial<Phase>} apply
     */
    const field = (label, input, apply) => {
      input.setAttribute("aria-label", `${label} of ${phase.title}`);
      input.addEventListener("change", () => {
        this.#draft = this.#draft.map((p) => (p.id === phase.id ? { ...p, ...apply(input.value) } : p));
      });
      return h("td", {}, input);
    };
    const kind = h("select", {}, h("option", { value: "lottery", text: "lottery" }), h("option", { value: "greeting", text: "greeting" }));
    kind.value = phase.kind;
    const issuance = h(
      "select",
      {},
      h("option", { value: "shard", text: "shard claims" }),
      h("option", { value: "edge-leases", text: "edge leases" }),
    );
    issuance.value = phase.issuance ?? "shard";
    /** @param {string} text @param {() => void} action @param {boolean} enabled */
    const button = (text, action, enabled = true) => {
      const b = h("button", { type: "button", text, "aria-label": `${text}: ${phase.title}` });
      b.disabled = !enabled;
      b.addEventListener("click", action);
      return b;
    };
    return h(
      "tr",
      { class: live ? "live" : "", "data-phase-id": phase.id },
      field("Title", h("input", { value: phase.title, maxlength: "120" }), (v) => ({ title: v })),
      field("Kind", kind, (v) => ({ kind: v === "greeting" ? "greeting" : "lottery" })),
      field("Starts", h("input", { type: "datetime-local", step: "1", value: toLocalInput(phase.startsAt) }), (v) => ({
        startsAt: fromLocalInput(v),
      })),
      field("Ends", h("input", { type: "datetime-local", step: "1", value: toLocalInput(phase.endsAt) }), (v) => ({
        endsAt: fromLocalInput(v),
      })),
      field("Envelope rate", h("input", { type: "number", min: "0", max: "1", step: "0.01", value: String(phase.candidateRate) }), (v) => ({
        candidateRate: Number(v),
      })),
      field("Issuance", issuance, (v) => ({ issuance: v === "edge-leases" ? "edge-leases" : "shard" })),
      field("Sponsors", h("input", { value: phase.sponsorIds.join(", ") }), (v) => ({
        sponsorIds: v
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      })),
      h(
        "td",
        { class: "actions" },
        button("Move up", () => this.#reorder(index - 1), index > 0),
        button("Move down", () => this.#reorder(index), index < this.#draft.length - 1),
        button("Start now", () => this.#override(phase, "start"), !live && phase.endsAt > now),
        button("Stop now", () => this.#override(phase, "stop"), live),
      ),
    );
  }

  /** @param {number} index */
  #reorder(index) {
    this.#draft = swapWithNext(this.#draft, index);
    this.#say("info", "Reordered: review and save");
    this.render();
  }
}
