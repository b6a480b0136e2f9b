/**
 * One viewer's shake, shared by every script: pick a session, shake with a fresh request id,
 * count the answer by kind, and judge it. The metrics below are the scripts' contract:
 *   shakes_<kind>         answers of each kind (rest, greeting, envelope, busy)
 *   shake_failed          share of shakes that got no valid answer (non-200 or bad body)
 *   shake_busy            share of shakes answered busy (overload protection at work)
 *   envelope_cents        cents won, summed
 */
import { check } from "k6";
import exec from "k6/execution";
import { Counter, Rate } from "k6/metrics";
import type { Options } from "k6/options";
import type { ShakeResponse } from "../../src/wire/index.ts";
import { requestId, shake } from "./api.ts";

const kinds: Record<ShakeResponse["kind"], Counter> = {
  rest: new Counter("shakes_rest"),
  greeting: new Counter("shakes_greeting"),
  envelope: new Counter("shakes_envelope"),
  busy: new Counter("shakes_busy"),
};
const failed = new Rate("shake_failed");
const busy = new Rate("shake_busy");
const cents = new Counter("envelope_cents");

/** Thresholds every script shares: the pass/fail contract of a shake storm. */
export const SHAKE_THRESHOLDS: NonNullable<Options["thresholds"]> = {
  shake_failed: ["rate<0.001"],
  shake_busy: [{ threshold: "rate<0.05", abortOnFail: false }],
  "http_req_duration{name:shake}": ["p(95)<150", "p(99)<400"],
  checks: ["rate>0.99"],
};

export interface ShakeData {
  tokens: string[];
}

export function shakeOnce(data: ShakeData): ShakeResponse | null {
  const token = data.tokens[exec.scenario.iterationInTest % data.tokens.length];
  const { status, body } = shake(token, requestId("shake"));
  const ok = check(body, {
    "shake answered 200": () => status === 200,
    "shake has a kind": (b) => b !== null && b.kind in kinds,
  });
  failed.add(!ok);
  if (!ok || !body) return null;
  kinds[body.kind].add(1);
  busy.add(body.kind === "busy");
  if (body.kind === "envelope") cents.add(body.envelope.amountCents);
  return body;
}
