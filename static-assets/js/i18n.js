/**
 * The viewer's language: Simplified Chinese or English. The phone's languages
 * (`navigator.languages`) choose it until the viewer picks one with the switch (kept in
 * local storage); `lang` on the page follows it. Every viewer string comes from `s()`;
 * the static ones in index.html carry `data-i18n` (text) or `data-i18n-label` (aria-label)
 * with their key. Amounts are yuan through Intl.NumberFormat; sponsors' names and phases'
 * titles come in the viewer's language where the operator gave one.
 */
import { formatCents } from "./money.js";
import { EN } from "./strings/en.js";
import { ZH_CN } from "./strings/zh-cn.js";

/** @typedef {import("../../src/wire/index").ViewerLanguage} ViewerLanguage */
/** @typedef {import("../../src/wire/index").LocalizedText} LocalizedText */
/** @typedef {import("./strings/en.js").Strings} Strings */

const STORAGE_KEY = "gs.lang";
/** @type {Record<ViewerLanguage, Strings>} */
const STRINGS = { "zh-CN": ZH_CN, en: EN };

/**
 * The language for these preferences: the viewer's own choice, else the first of the phone's
 * languages that is Chinese or English, else Chinese (the gala's audience).
 * @param {readonly string[]} phone
 * @param {string | null} chosen
 * @returns {ViewerLanguage}
 */
export function pickLanguage(phone, chosen) {
  if (chosen === "zh-CN" || chosen === "en") return chosen;
  for (const tag of phone) {
    const primary = tag.toLowerCase().split("-")[0];
    if (primary === "zh") return "zh-CN";
    if (primary === "en") return "en";
  }
  return "zh-CN";
}

/** @type {ViewerLanguage} */
let current = "en";
/** @type {(() => void)[]} */
const listeners = [];

export const language = () => current;
/** The strings of the viewer's language. */
export const s = () => STRINGS[current];

/** @param {number} cents */
export const yuan = (cents) => formatCents(cents, current);

/**
 * The name in the viewer's language, or the plain one.
 * @param {string} plain
 * @param {LocalizedText | undefined} localized
 */
export const localized = (plain, localized) => localized?.[current] ?? plain;

/** @param {number} ms */
export const dateTime = (ms) => new Date(ms).toLocaleString(current, { dateStyle: "short", timeStyle: "short" });

/** @param {() => void} listener called after the language changed */
export function onLanguageChange(listener) {
  listeners.push(listener);
}

/** Reads the choice and the phone's languages, and labels the page. */
export function initLanguage() {
  current = pickLanguage(navigator.languages ?? [navigator.language], localStorage.getItem(STORAGE_KEY));
  applyStaticStrings();
}

/** @param {ViewerLanguage} next */
export function setLanguage(next) {
  current = next;
  localStorage.setItem(STORAGE_KEY, next);
  applyStaticStrings();
  for (const listener of listeners) listener();
}

/** The other language, for the switch. */
export const otherLanguage = () => (current === "en" ? "zh-CN" : "en");

/** @param {string} key */
function text(key) {
  const value = /** @type {Record<string, unknown>} */ (s())[key];
  if (typeof value !== "string") throw new Error(`no viewer string "${key}"`);
  return value;
}

function applyStaticStrings() {
  document.documentElement.lang = current;
  document.title = s().title;
  for (const el of document.querySelectorAll("[data-i18n]")) el.textContent = text(el.getAttribute("data-i18n") ?? "");
  for (const el of document.querySelectorAll("[data-i18n-label]"))
    el.setAttribute("aria-label", text(el.getAttribute("data-i18n-label") ?? ""));
}
