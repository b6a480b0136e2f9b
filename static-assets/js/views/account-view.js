/**
 * Who the viewer is, in the header: "Signed in as Alice", or a "Sign in" link to the
 * deployment's sign-in page (the host app's login; the development identity provider
 * locally) when the session is anonymous (demo mode) or anonymous sessions are off. Both are
 * chips like the header's buttons.
 */
import { ensureSession, signInHref } from "../api.js";
import { h } from "../dom.js";
import { onLanguageChange, s } from "../i18n.js";

/** @typedef {import("../../../src/wire/index").IdentityInfo} IdentityInfo */

/**
 * @param {HTMLElement} container
 * @param {IdentityInfo} identity
 */
export async function showAccount(container, identity) {
  const session = await ensureSession().catch(() => null);
  const href = !session?.signedIn && identity.signInUrl ? await signInHref(identity.signInUrl) : null;
  const render = () => {
    if (session?.signedIn) {
      container.replaceChildren(h("span", { class: "chip chip-quiet", text: session.name ? s().signedInAs(session.name) : s().signedIn }));
    } else if (href) {
      container.replaceChildren(h("a", { class: "chip", href, text: s().signIn }));
    }
  };
  onLanguageChange(render);
  render();
}
