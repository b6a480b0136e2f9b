/**
 * Who the viewer is, in the header: "Signed in as Alice", or a "Sign in" link to the
 * deployment's sign-in page (the host app's login; the development identity provider
 * locally) when the session is anonymous (demo mode) or anonymous sessions are off.
 */
import { apiJson, ensureSession, signInHref } from "../api.js";
import { h } from "../dom.js";

/** @typedef {import("../../../src/wire/index").IdentityInfo} IdentityInfo */

/** @param {HTMLElement} container */
export async function showAccount(container) {
  /** @type {IdentityInfo} */
  const identity = await apiJson("/api/identity").catch(() => ({ signInUrl: null, anonymousSessions: "on" }));
  const session = await ensureSession().catch(() => null);
  if (session?.signedIn) {
    container.replaceChildren(h("span", { class: "hint", text: `Signed in${session.name ? ` as ${session.name}` : ""}` }));
  } else if (identity.signInUrl) {
    container.replaceChildren(h("a", { class: "secondary", href: await signInHref(identity.signInUrl), text: "Sign in" }));
  }
}
