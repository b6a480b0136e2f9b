/**
 * Who may use /api/admin/* and the console. An operator signs in through Cloudflare Access:
 * Access puts its JWT in the `Cf-Access-Jwt-Assertion` header (and the `CF_Authorization`
 * cookie), verified here against the team's JWKS (ACCESS_* vars); in development the
 * worker's own identity provider stands in. The shared ADMIN_SECRET (`Authorization:
 * Bearer`) remains only as break-glass: at least MIN_ADMIN_SECRET_CHARS long (src/config.ts
 * checks before any request is served) and refused for a while after
 * FAILED_SECRET_LIMIT wrong attempts from one address (per isolate; not across addresses,
 * so no one can lock the operators out; a 32-character random secret is not guessable).
 * A browser request from another site is refused whatever it carries (the Access cookie
 * would otherwise ride along on a cross-site form post). The operator's name goes on the
 * context for the admin log.
 */
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { WindowCounter } from "../domain/window-counter";
import { ApiError } from "../errors";
import { ACCESS_COOKIE, ACCESS_HEADER, operatorIssuer } from "./issuers";
import { verifyJwt } from "./jwt-verify";

export const FAILED_SECRET_LIMIT = 10;
const FAILED_SECRET_PERIOD_S = 15 * 60;

export type AdminVars = { operator: string };

const failures = new WindowCounter(FAILED_SECRET_LIMIT, FAILED_SECRET_PERIOD_S);

/** Constant-time comparison of two secrets through their SHA-256 digests (equal length). */
async function secretsEqual(a: string, b: string): Promise<boolean> {
  const encoder = new TextEncoder();
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return crypto.subtle.timingSafeEqual(da, db);
}

async function accessOperator(env: Env, token: string): Promise<string> {
  const trusted = operatorIssuer(env);
  const access = trusted ? await verifyJwt(env, token, trusted) : null;
  if (!access) throw new ApiError(403, "forbidden", "the Cloudflare Access token is not valid for this application");
  const email = typeof access.email === "string" ? access.email : null;
  return `access:${email ?? access.sub}`;
}

async function breakGlass(env: Env, presented: string, address: string): Promise<string> {
  const now = Date.now();
  if (failures.spent(address, now)) {
    throw new ApiError(429, "rate_limited", "too many failed admin secret attempts; try later or sign in with Access", {
      "Retry-After": String(failures.retryAfterSeconds(now)),
    });
  }
  const secret = env.ADMIN_SECRET;
  if (secret && (await secretsEqual(presented, secret))) return "break-glass:admin-secret";
  failures.hit(address, now);
  throw new ApiError(401, "unauthorized", "an operator identity (Cloudflare Access) or the admin secret is required");
}

export const requireAdmin = createMiddleware<{ Bindings: Env; Variables: AdminVars }>(async (c, next) => {
  if (c.req.header("Sec-Fetch-Site") === "cross-site") throw new ApiError(403, "forbidden", "admin calls must come from this site");
  const access = c.req.header(ACCESS_HEADER) ?? getCookie(c, ACCESS_COOKIE);
  const presented = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (access) c.set("operator", await accessOperator(c.env, access));
  else if (presented) c.set("operator", await breakGlass(c.env, presented, c.req.header("CF-Connecting-IP") ?? "unknown"));
  else throw new ApiError(401, "unauthorized", "an operator identity (Cloudflare Access) or the admin secret is required");
  await next();
});
