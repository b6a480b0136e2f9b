/**
 * The shake answer's JSON text, built from precomputed parts instead of `JSON.stringify`
 * of a fresh object: the throttle tail per level is made once, a greeting's head once per
 * greeting object (one per phase, see shake-answer.ts), and the request id needs no
 * escaping because the wire only admits ids of `ID_PATTERN`. The text parses to exactly
 * the `ShakeResponse` the JSON-body route answers (test/unit/shake-text.test.ts).
 */
import { SHED_LEVEL, throttleHint } from "../domain/throttle";
import type { ShakeOutcome } from "../wire/index";
import type { ShakeAnswer } from "./shake-answer";

const THROTTLE_TAILS = Array.from({ length: SHED_LEVEL + 1 }, (_, level) => `,"throttle":${JSON.stringify(throttleHint(level))}}`);

const heads = new WeakMap<ShakeOutcome, string>();

/** The outcome's fields as an unclosed JSON object. */
function head(outcome: ShakeOutcome): string {
  switch (outcome.kind) {
    case "rest":
      return `{"kind":"rest","nextStartsAt":${outcome.nextStartsAt ?? "null"}`;
    case "busy":
      return `{"kind":"busy","retryAfterMs":${outcome.retryAfterMs}`;
    case "greeting": {
      let text = heads.get(outcome);
      if (text === undefined) {
        text = JSON.stringify(outcome).slice(0, -1);
        heads.set(outcome, text);
      }
      return text;
    }
    case "envelope":
      return JSON.stringify(outcome).slice(0, -1);
  }
}

/** `{ ...outcome, requestId, serverTime, throttle }` as JSON text; `requestId` matches ID_PATTERN. */
export function shakeText({ outcome, throttle, serverTime }: Omit<ShakeAnswer, "candidate">, requestId: string): string {
  return `${head(outcome)},"requestId":"${requestId}","serverTime":${serverTime}${THROTTLE_TAILS[throttle.level]}`;
}
