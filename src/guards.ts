/**
 * Guards every /api response passes through: a body size limit (small for viewer routes,
 * larger for the admin timeline) enforced before a body is read, and security headers for
 * JSON answers (nothing may frame, sniff or script them). No CORS headers: the PWA is served
 * from the same origin, so no cross-origin caller is allowed (docs/overload.md).
 */
import { bodyLimit } from "hono/body-limit";
import { createMiddleware } from "hono/factory";
import { secureHeaders } from "hono/secure-headers";
import { ApiError } from "./errors";
import { MAX_BODY_BYTES } from "./schemas";

/** Largest body a viewer route (session, shake, open) accepts. */
export const VIEWER_BODY_BYTES = 4 * 1024;

const tooLarge = (limit: number) => () => {
  throw new ApiError(413, "too_large", `request body is larger than ${limit} bytes`);
};

const viewerLimit = bodyLimit({ maxSize: VIEWER_BODY_BYTES, onError: tooLarge(VIEWER_BODY_BYTES) });
const adminLimit = bodyLimit({ maxSize: MAX_BODY_BYTES, onError: tooLarge(MAX_BODY_BYTES) });

const bodySizeLimit = createMiddleware((c, next) => (c.req.path.startsWith("/api/admin/") ? adminLimit : viewerLimit)(c, next));

const apiHeaders = secureHeaders({
  contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
  referrerPolicy: "no-referrer",
  crossOriginResourcePolicy: "same-origin",
  xFrameOptions: "DENY",
});

export const apiGuards = [apiHeaders, bodySizeLimit] as const;
