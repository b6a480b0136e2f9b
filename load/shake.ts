/**
 * k6: a shake storm. Many viewers (sessions made in setup) shake at a ramping arrival rate
 * that follows the chosen profile, each behaving like the PWA (load/lib/viewer.ts: paced,
 * holdings sent, failed and busy shakes retried marked, edge-lease claims kept and presented,
 * half the wins opened and watched into the wallet). With SHOW=write the run writes its own
 * show (greetings while ramping, a lottery over the busy stretch whose second half hands out
 * envelopes from edge leases, rest at the end) so every answer kind, both issuance modes and
 * settlement are exercised. Thresholds are the pass/fail contract; teardown fails the run
 * unless the audit balances to the cent.
 *
 *   k6 run -e BASE_URL=http://127.0.0.1:8787 -e PROFILE=smoke -e SHOW=write load/shake.ts
 */
import type { Options } from "k6/options";
import { createSessions, requireBalancedAudit, requireTarget } from "./lib/api.ts";
import { PEAK_RATE, PROFILE, USERS } from "./lib/config.ts";
import { arrivalScenario, profileMs, vuSlots } from "./lib/profiles.ts";
import { SHAKE_THRESHOLDS, shakeOnce, type ShakeData } from "./lib/shaker.ts";
import { writeRunShow } from "./lib/show.ts";

/** Share of lottery shakes that are envelope candidates (SHOW=write); higher than a gala's so small runs win envelopes. */
const CANDIDATE_RATE = Number(__ENV.CANDIDATE_RATE ?? PROFILE.candidateRate);

const scenarios = { shake: arrivalScenario(PROFILE, PEAK_RATE, "shakeStorm") };
const SLOTS = vuSlots(scenarios);

export const options: Options = {
  scenarios,
  thresholds: SHAKE_THRESHOLDS,
  setupTimeout: "5m",
};

export function setup(): ShakeData {
  requireTarget();
  // Sessions first: the show's phases are timed from the end of setup.
  const tokens = createSessions(Math.max(USERS, SLOTS));
  if (__ENV.SHOW === "write") {
    const expectedCandidates = (PEAK_RATE * profileMs(PROFILE) * CANDIDATE_RATE) / 1_000;
    writeRunShow(profileMs(PROFILE), CANDIDATE_RATE, Math.max(100, Math.ceil(expectedCandidates / 3)), { leases: true });
  }
  return { tokens, slots: SLOTS };
}

export function shakeStorm(data: ShakeData): void {
  shakeOnce(data);
}

export function teardown(): void {
  requireBalancedAudit();
}
