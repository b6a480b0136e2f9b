/**
 * Guards every /api response passes through: a body size limit (small for viewer routes,
 * larger for the admin timeline) enforced before a body is read, and security headers for
 * JSON answers (nothing may frame, sniff or script them). No CORS headers: the PWA is served
 * from the same origin, so no cross-origin caller is allowed (docs/overload.md).
 */
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { configProblem } from "../config";
import { ApiError } from "../errors";
import { MAX_BODY_BYTES } from "../schemas";

/** Largest body a viewer route (session, shake, open) accepts. */
export const VIEWER_BODY_BYTES = 4 * 1024;

const tooLarge = (limit: number) => () => {
  throw new ApiError(413, "too_large", `request body is larger than ${limit} bytes`);
};

const viewerLimit = bodyLimit({ maxSize: VIEWER_BODY_BYTES, onError: tooLarge(VIEWER_BODY_BYTES) });
const adminLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge(MAX_BODY_BYTES) });

const bodySizeLimit = createMiddleware((c, next) => (c.req.path.startsWith("/api/admin/") ? adminLimit : viewerLimit)(c, next));

/**
 * The same for every answer, so built once: setting them per response costs a few
 * microseconds, where hono/secure-headers rebuilt them each time (about 40 µs a request,
 * a quarter of a shake answered at the edge; docs/performance.md).
 */
export const SECURITY_HEADERS: readonly [string, string][] = [
  ["Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'"],
  ["X-Content-Type-Options", "nosniff"],
  ["Referrer-Policy", "no-referrer"],
  ["X-Frame-Options", "DENY"],
  ["Cross-Origin-Resource-Policy", "same-origin"],
  ["Cross-Origin-Opener-Policy", "same-origin"],
  ["Strict-Transport-Security", "max-age=15552000; includeSubDomains"],
  ["X-Permitted-Cross-Domain-Policies", "none"],
];

const apiHeaders = createMiddleware(async (c, next) => {
  await next();
  for (const [name, value] of SECURITY_HEADERS) c.res.headers.set(name, value);
});

/** A worker whose configuration is unsafe serves no API at all (config.ts configProblem). */
const configGuard = createMiddleware<{ Bindings: Env }>(async (c, next) => {
  const problem = configProblem(c.env);
  if (problem) {
    console.error("refusing to serve:", problem);
    throw new ApiError(503, "misconfigured", "this deployment is misconfigured; see its logs");
  }
  await next();
});

export const apiGuards = [apiHeaders, configGuard, bodySizeLimit] as const;
