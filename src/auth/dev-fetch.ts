/**
 * Outbound fetches to configured URLs (JWKS, Turnstile's siteverify). With the development
 * identity provider on, a URL under its path is answered in-process by that provider, so
 * `npm start` and the tests verify tokens through the same code with no network; in any
 * other case (always in production) it is a plain fetch.
 */
import { devIdpEnabled } from "../config";
import { DEV_IDP_PATH, devIdpRoutes } from "../routes/dev-idp";

export function configuredFetch(env: Env): (url: string, init?: RequestInit) => Promise<Response> {
  if (!devIdpEnabled(env)) return (url, init) => fetch(url, init);
  return async (url, init) => {
    const { pathname, search } = new URL(url);
    if (!pathname.startsWith(`${DEV_IDP_PATH}/`)) return fetch(url, init);
    const { signal: _signal, ...rest } = init ?? {};
    return devIdpRoutes.request(pathname.slice(DEV_IDP_PATH.length) + search, rest, env);
  };
}
