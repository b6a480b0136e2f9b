/**
 * Who may use /api/admin/* and the console. An operator signs in through Cloudflare Access:
 * Access puts its JWT in the `Cf-Access-Jwt-Assertion` header (and the `CF_Authorization`
 * cookie), verified here against the team's JWKS (ACCESS_* vars); in development the
 * worker's own identity provider stands in. The shared ADMIN_SECRET (`Authorization:
 * Bearer`) remains only as break-glass: at least MIN_ADMIN_SECRET_CHARS long (src/config.ts
 * checks before any request is served) and refused for a while after
 * FAILED_SECRET_LIMIT wrong attempts from one address (per isolate; not across addresses,
 * so no one can lock the operators out; a 32-character random secret is not guessable).
 * A change (any method but GET, HEAD or OPTIONS) is accepted only as `application/json`
 * from the console's own origin (`Origin`, or `Sec-Fetch-Site: same-origin` from a browser
 * that sends no Origin): the Access cookie rides along on any request a browser makes, so a
 * form post (text/plain, no preflight) from another site, or a sibling subdomain, would
 * otherwise act as the operator. The operator's name goes on the context for the admin log.
 */
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { createMiddleware } from "hono/factory";
import { WindowCounter } from "../domain/window-counter";
import { ApiError } from "../errors";
import { ACCESS_COOKIE, ACCESS_HEADER, operatorIssuer } from "./issuers";
import { verifyJwt } from "./jwt-verify";
import type { OperatorInfo } from "../wire/index";

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

const READS = new Set(["GET", "HEAD", "OPTIONS"]);
const JSON_TYPE = /^application\/json\s*(;|$)/i;

/**
 * Why a request may not change anything here, or null: a change must be JSON (a browser
 * sends no JSON across origins without a CORS preflight, which this API never grants) and
 * come from this origin.
 */
function crossOriginProblem(method: string, url: string, header: (name: string) => string | undefined): ApiError | null {
  if (header("Sec-Fetch-Site") === "cross-site") return new ApiError(403, "forbidden", "admin calls must come from this site");
  if (READS.has(method)) return null;
  if (!JSON_TYPE.test(header("Content-Type") ?? "")) {
    return new ApiError(415, "unsupported_media_type", "admin changes must be sent as application/json");
  }
  const origin = header("Origin");
  const sameOrigin = origin === undefined ? header("Sec-Fetch-Site") === "same-origin" : origin === new URL(url).origin;
  return sameOrigin ? null : new ApiError(403, "forbidden", "admin changes must come from the console's own origin (send its Origin)");
}

/** The operator a request carries; null without credentials; throws for credentials that do not check out. */
async function operatorOf<E extends { Bindings: Env }>(c: Context<E>): Promise<string | null> {
  const access = c.req.header(ACCESS_HEADER) ?? getCookie(c, ACCESS_COOKIE);
  const presented = c.req.header("Authorization")?.match(/^Bearer\s+(\S+)$/i)?.[1];
  if (access) return accessOperator(c.env, access);
  if (presented) return breakGlass(c.env, presented, c.req.header("CF-Connecting-IP") ?? "unknown");
  return null;
}

export const requireAdmin = createMiddleware<{ Bindings: Env; Variables: AdminVars }>(async (c, next) => {
  const crossOrigin = crossOriginProblem(c.req.method, c.req.url, (name) => c.req.header(name));
  if (crossOrigin) throw crossOrigin;
  const operator = await operatorOf(c);
  if (!operator) throw new ApiError(401, "unauthorized", "an operator identity (Cloudflare Access) or the admin secret is required");
  c.set("operator", operator);
  await next();
});

/**
 * Who the console's operator is, or null (no credentials, or ones that do not check out):
 * always 200, so the console's signed-out screen asks without an error in the browser's
 * console. A wrong secret still counts toward its address's lock-out (429).
 */
export async function whoAmI(c: Context<{ Bindings: Env }>): Promise<OperatorInfo> {
  try {
    return { operator: await operatorOf(c) };
  } catch (err) {
    if (err instanceof ApiError && (err.status === 401 || err.status === 403)) return { operator: null };
    throw err;
  }
}
