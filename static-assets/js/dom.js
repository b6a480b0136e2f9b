/** Tiny DOM helpers: build elements from data without ever parsing HTML strings. */

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {Record<string, string>} [attrs] attributes; `text` sets the text content
 * @param {(Node | string)[]} children
 * @returns {HTMLElementTagNameMap[K]}
 */
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (name === "text") el.textContent = value;
    else el.setAttribute(name, value);
  }
  el.append(...children);
  return el;
}

/**
 * The element with this id, typed; throws when the page lacks it.
 * @template {Element} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const el = document.getElementById(id);
  if (!(el instanceof type)) throw new Error(`#${id} is missing`);
  return el;
}

/** @param {number} bytes */
export function formatBytes(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

export function prefersReducedMotion() {
  return window.matchMedia("(prefers-reduced-motion: reduce)").matches;
}

/**
 * What to tell the user about a caught failure.
 * @param {unknown} err
 */
export const errorText = (err) => (err instanceof Error ? err.message : String(err));

/**
 * A table of text cells with a header row.
 * @param {string[]} headings
 * @param {string[][]} rows
 * @param {string} [caption]
 */
export const table = (headings, rows, caption) =>
  h(
    "table",
    {},
    ...(caption === undefined ? [] : [h("caption", { text: caption })]),
    h("thead", {}, h("tr", {}, ...headings.map((t) => h("th", { scope: "col", text: t })))),
    h("tbody", {}, ...rows.map((cells) => h("tr", {}, ...cells.map((text) => h("td", { text }))))),
  );
