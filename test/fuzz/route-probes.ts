/**
 * Probes for every route the app has, the development identity provider's included: the
 * list comes from the router itself (plus the lean shake wire served ahead of it), so a new
 * route is fuzzed the day it is added. Each probe fills the route's parameters with hostile
 * or plausible ids and sends a hostile body (broken JSON, junk values, forms, malformed
 * multipart, oversized) with some credential, from one of a few addresses.
 */
import { app } from "../../src/app";
import { SHAKE_WIRE_PREFIX } from "../../src/edge/shake-wire";
import { ADMIN_SECRET, ORIGIN } from "../support/api";

export interface RouteTemplate {
  method: string;
  path: string;
}

/** Every route: its method and path template. */
export const ROUTES: RouteTemplate[] = [
  ...new Map(
    [
      ...app.routes.filter((r) => r.method !== "ALL").map((r) => ({ method: r.method, path: r.path.replace(/(.)\/$/, "$1") })),
      { method: "POST", path: `${SHAKE_WIRE_PREFIX}:requestId` },
    ].map((r) => [`${r.method} ${r.path}`, r]),
  ).values(),
];

export const routeKey = (r: RouteTemplate) => `${r.method} ${r.path}`;

type Random = (min: number, max: number) => number;

const PARAMS = [
  crypto.randomUUID(),
  `g_${"0".repeat(32)}`,
  "pool-unknown",
  "phase-unknown",
  "x".repeat(200),
  "%2e%2e",
  "..%2f..%2fadmin",
  "%00",
  "%F0%9F%98%80",
  "-1",
  "'or'1'='1",
  "%3Cscript%3E",
];

const FORMS = [
  "as=viewer&sub=alice",
  "as=viewer&sub=alice&response_type=code&redirect_uri=https%3A%2F%2Fevil.example%2F&state=s",
  "as=viewer&sub=alice&response_type=code&code_challenge=c&code_challenge_method=S256&redirect_uri=%2F",
  "as=operator&sub=ops-ada",
  "as=viewer&sub=mallory&response_type=token",
  "grant_type=authorization_code&code=nope&code_verifier=v&redirect_uri=%2F",
  "grant_type=password&username=a&password=b",
  "secret=x&response=dev-turnstile-pass",
  "a=%ZZ&b",
  `state=${"s".repeat(2000)}`,
];

const MULTIPART = [
  '--x\r\nContent-Disposition: form-data; name="as"\r\n\r\nviewer\r\n--x--\r\n',
  "--y\r\nbroken",
  "--x\r\nContent-Disposition: form-data\r\n\r\nno name\r\n",
  "--x--",
  "",
];

const JUNK_JSON = [
  '{"requestId":',
  "{",
  "[]",
  "null",
  '{"__proto__":{"admin":true}}',
  '{"expectedVersion":-1}',
  "😀",
  `{"a":"${"v".repeat(3000)}"}`,
];

interface Probe {
  path: string;
  init: RequestInit;
  route: RouteTemplate;
}

/**
 * One probe of `route` (its own method mostly, sometimes another); `viewerToken` is a valid
 * session, which some probes carry so the handlers past the session check are reached too.
 */
export function routeProbe(route: RouteTemplate, viewerToken: string, random: Random): Probe {
  const pick = <T>(xs: readonly T[]): T => xs[random(0, xs.length - 1)];
  const path = route.path.replace(/:(\w+)/g, () => pick(PARAMS)) + pick(["", "", "", "?limit=-1", "?phaseId=%00", "?stuckAfterMs=1e400"]);
  const method = random(0, 9) === 0 ? pick(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) : route.method;
  const headers: Record<string, string> = { "CF-Connecting-IP": `203.0.113.${random(1, 40)}` };
  // The operator's real secret in one probe of ten: enough to reach every admin handler's
  // input checks without turning the run into a series of full audits and repairs.
  switch (random(0, 9)) {
    case 0:
    case 7:
      break;
    case 1:
    case 8:
      headers.Authorization = `Bearer ${viewerToken}`;
      break;
    case 2:
    case 9:
      headers.Authorization = `Bearer ${viewerToken.slice(0, -3)}abc`;
      break;
    case 3:
      Object.assign(headers, { Authorization: `Bearer ${ADMIN_SECRET}`, Origin: ORIGIN });
      break;
    case 4:
      Object.assign(headers, { Authorization: `Bearer ${ADMIN_SECRET}`, Origin: "https://evil.example" });
      break;
    case 5:
      headers["Cf-Access-Jwt-Assertion"] = pick(["garbage", "a.b.c", "x".repeat(9000)]);
      break;
    default:
      headers.Cookie = `CF_Authorization=${pick(["a.b.c", "", "%%"])}; gs_session=${viewerToken}`;
  }
  let body: string | undefined;
  switch (random(0, 3)) {
    case 0:
      headers["Content-Type"] = "application/json";
      body = pick(JUNK_JSON);
      break;
    case 1:
      headers["Content-Type"] = pick(["application/x-www-form-urlencoded", "text/plain"]);
      body = pick(FORMS);
      break;
    case 2:
      headers["Content-Type"] = pick(["multipart/form-data; boundary=x", "multipart/form-data", "multipart/form-data; boundary="]);
      body = pick(MULTIPART);
      break;
    default:
      body = undefined;
  }
  if (method === "GET" || method === "HEAD") body = undefined;
  return { path, init: { method, headers, body, redirect: "manual" }, route };
}
