/** The lean wire's answer text is byte for byte what `c.json` makes of the same answer. */
import { describe, expect, it } from "vitest";
import { SHED_LEVEL, throttleHint } from "../../src/domain/throttle";
import type { ShakeOutcome } from "../../src/wire/index";
import { shakeText } from "../../src/edge/shake-text";

const OUTCOMES: ShakeOutcome[] = [
  { kind: "rest", nextStartsAt: 1_800_000_000_000 },
  { kind: "rest", nextStartsAt: null },
  { kind: "greeting", phaseId: "p:1.a-b", assetId: "greeting_x" },
  { kind: "busy", retryAfterMs: 8000 },
  {
    kind: "envelope",
    envelope: { claimId: crypto.randomUUID(), phaseId: "lottery-1", sponsorId: "s-red", amountCents: 888, assetId: "asset-s-red" },
  },
];

describe("shake answer text", () => {
  it("equals JSON.stringify of { ...outcome, requestId, serverTime, throttle } for every kind and level", () => {
    for (const outcome of OUTCOMES) {
      for (let level = 0; level <= SHED_LEVEL; level++) {
        const throttle = throttleHint(level);
        const text = shakeText({ outcome, throttle, serverTime: 1_799_999_999_123 }, "req_1.a:b-c");
        expect(text).toBe(JSON.stringify({ ...outcome, requestId: "req_1.a:b-c", serverTime: 1_799_999_999_123, throttle }));
      }
    }
  });

  it("reuses a greeting's text but not across greetings", () => {
    const a: ShakeOutcome = { kind: "greeting", phaseId: "a", assetId: "x" };
    const b: ShakeOutcome = { kind: "greeting", phaseId: "b", assetId: "y" };
    const at = (o: ShakeOutcome) => JSON.parse(shakeText({ outcome: o, throttle: throttleHint(0), serverTime: 1 }, "r"));
    expect([at(a), at(b), at(a)].map((r) => r.phaseId)).toEqual(["a", "b", "a"]);
  });
});
