/**
 * Admin API client for the console. The operator types the admin secret; it lives only in
 * this tab's sessionStorage and is sent as a bearer token, never written into the page.
 */
import { apiJson } from "../js/api.js";

const SECRET_KEY = "gs.admin";

export const adminSecret = {
  get: () => sessionStorage.getItem(SECRET_KEY),
  /** @param {string} secret */
  set: (secret) => sessionStorage.setItem(SECRET_KEY, secret),
  clear: () => sessionStorage.removeItem(SECRET_KEY),
};

/**
 * @param {string} method
 * @param {string} path below /api/admin
 * @param {unknown} [body]
 */
export function adminCall(method, path, body) {
  return apiJson(`/api/admin${path}`, { method, body, token: adminSecret.get() ?? "" });
}
