/**
 * Where the k6 scripts point and how hard they push, all from the environment:
 *   BASE_URL      target origin (default http://127.0.0.1:8787, `npm start`)
 *   ADMIN_SECRET  bearer secret for /api/admin/* (default: .dev.vars.example's value)
 *   PROFILE       smoke | average | peak | spike | soak (default smoke)
 *   PEAK_RATE     shakes per second at the profile's peak (default per profile)
 *   USERS         viewer sessions created in setup() (default twice PEAK_RATE, at least 200:
 *                 a viewer shakes at most about once a second, as its throttle hint allows)
 */
import { PROFILES, type ProfileName } from "./profiles.ts";

export const BASE_URL = (__ENV.BASE_URL ?? "http://127.0.0.1:8787").replace(/\/$/, "");
export const ADMIN_SECRET = __ENV.ADMIN_SECRET ?? "dev-only-admin-secret-break-glass-0001";

function profileName(): ProfileName {
  const name = __ENV.PROFILE ?? "smoke";
  if (!(name in PROFILES)) throw new Error(`PROFILE must be one of ${Object.keys(PROFILES).join(", ")}, not "${name}"`);
  return name as ProfileName;
}

export const PROFILE = PROFILES[profileName()];
export const PEAK_RATE = Number(__ENV.PEAK_RATE ?? PROFILE.peakRate);
export const USERS = Number(__ENV.USERS ?? Math.max(200, 2 * PEAK_RATE));
