/**
 * Paths that match neither an asset nor an API route. Workers static assets answer with
 * `not_found_handling = "none"` (wrangler.toml), so such a request reaches the worker, which
 * gives a browser's navigation (a group share link /g/<id>, a reload) the viewer shell and
 * anything else a plain 404: a missing script, image or `robots.txt` must never come back as
 * the viewer's HTML with a 200. A browser too old to send `Sec-Fetch-Mode` counts as
 * navigating when it asks for HTML.
 */
import type { Context } from "hono";

function isNavigation(mode: string | undefined, accept: string | undefined): boolean {
  return mode === "navigate" || (mode === undefined && (accept ?? "").includes("text/html"));
}

export function unknownPath<E extends { Bindings: Env }>(c: Context<E>): Response | Promise<Response> {
  const { method } = c.req;
  if ((method === "GET" || method === "HEAD") && isNavigation(c.req.header("Sec-Fetch-Mode"), c.req.header("Accept"))) {
    return c.env.ASSETS.fetch(new Request(new URL("/", c.req.url), { method }));
  }
  c.header("X-Content-Type-Options", "nosniff");
  return c.text("not found", 404);
}
