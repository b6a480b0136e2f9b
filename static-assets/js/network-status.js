/**
 * The offline notice: shown as soon as the browser knows it has no network (`navigator.onLine`
 * and the `offline` event), before any shake fails, and cleared when the connection returns.
 * The notice is a status region that stays in the page and only gets or loses its text, so
 * screen readers announce it when it appears.
 */
import { onLanguageChange, s } from "./i18n.js";

/** @param {HTMLElement} notice */
export function showNetworkStatus(notice) {
  const update = () => (notice.textContent = navigator.onLine ? "" : s().offline);
  window.addEventListener("online", update);
  window.addEventListener("offline", update);
  onLanguageChange(update);
  update();
}
