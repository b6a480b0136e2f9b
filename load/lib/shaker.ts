/**
 * One viewer's shake, shared by every script: the VU's next viewer that may shake now (as
 * its phone's pacer allows) hands in kept claims that are due, shakes with its holdings (the
 * same request id, marked, after a failed or busy shake), counts the answer by kind, judges
 * it, and maybe opens a win (load/lib/viewer.ts). The metrics below are the scripts' contract:
 *   shakes_<kind>         answers of each kind (rest, greeting, envelope, busy)
 *   shake_failed          share of shakes that got no valid answer (non-200 or bad body)
 *   shake_busy            share of shakes answered busy (overload protection at work)
 *   envelope_cents        cents won, summed
 *   audit_unbalanced      1 when teardown's audit does not balance
 * and the viewer's (shakes_retried, shakes_paced, envelopes_opened, open_failed,
 * claims_recorded, claims_voided, wallet_unsettled, open_to_wallet_ms).
 */
import { check } from "k6";
import { Counter, Rate } from "k6/metrics";
import type { Options } from "k6/options";
import type { ShakeResponse } from "../../src/wire/index.ts";
import { shake } from "./api.ts";
import { readyViewer, VIEWER_THRESHOLDS } from "./viewer.ts";

const kinds: Record<ShakeResponse["kind"], Counter> = {
  rest: new Counter("shakes_rest"),
  greeting: new Counter("shakes_greeting"),
  envelope: new Counter("shakes_envelope"),
  busy: new Counter("shakes_busy"),
};
const failed = new Rate("shake_failed");
const busy = new Rate("shake_busy");
const cents = new Counter("envelope_cents");

/** Thresholds every script shares: the pass/fail contract of a shake storm and its viewers. */
export const SHAKE_THRESHOLDS: NonNullable<Options["thresholds"]> = {
  shake_failed: ["rate<0.001"],
  shake_busy: [{ threshold: "rate<0.05", abortOnFail: false }],
  "http_req_duration{name:shake}": ["p(95)<150", "p(99)<400"],
  checks: ["rate>0.99"],
  audit_unbalanced: ["count==0"],
  ...VIEWER_THRESHOLDS,
};

export interface ShakeData {
  /** Viewer sessions; each VU owns those whose index is its id modulo `slots`. */
  tokens: string[];
  /** Every VU id the run can hand out (the scenarios' maxVUs summed). */
  slots: number;
}

export function shakeOnce(data: ShakeData): ShakeResponse | null {
  const viewer = readyViewer(data.tokens, data.slots);
  if (!viewer) return null;
  viewer.presentDue();
  const { id, retry } = viewer.nextShake();
  const { status, body, retryAfterMs } = shake(viewer.token, id, { holdings: viewer.holdings, retry });
  const ok = check(body, {
    "shake answered 200": () => status === 200,
    "shake has a kind": (b) => b !== null && b.kind in kinds,
  });
  failed.add(!ok);
  viewer.settle(status, ok ? body : null, retryAfterMs);
  if (!ok || !body) return null;
  kinds[body.kind].add(1);
  busy.add(body.kind === "busy");
  if (body.kind === "envelope") {
    cents.add(body.envelope.amountCents);
    viewer.maybeOpen(body.envelope);
  }
  return body;
}
