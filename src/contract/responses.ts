/**
 * What the OpenAPI document says beyond bodies: the headers answers carry (Retry-After on
 * 429, busy and 503; Cache-Control where a route sets it; the session cookie), the patterns
 * and lengths the server enforces on path parameters, and examples of the shake's answers.
 * The contract test checks each described header against real answers.
 */
import { z } from "zod";
import { GROUP_ID } from "../money/group-operations";
import { claimIdParam, ID_PATTERN, internalId } from "../schemas";
import type { ShakeResponse } from "../wire/index";

type JsonSchema = Record<string, unknown>;

export interface HeaderObject {
  description: string;
  required?: boolean;
  schema: JsonSchema;
}

/** Seconds, as every `Retry-After` of this API is sent (never an HTTP date). */
const retryAfter = (description: string, required = true): HeaderObject => ({
  description,
  required,
  schema: { type: "integer", minimum: 0 },
});

export const RETRY_AFTER_RATE_LIMITED = retryAfter("Whole seconds until the caller's rate limit window lets a request through again");
export const RETRY_AFTER_UNAVAILABLE = retryAfter(
  "Whole seconds to wait before retrying, when waiting helps (an unreachable dependency); a misconfigured deployment sends none",
  false,
);
export const RETRY_AFTER_BUSY = retryAfter(
  "Sent with a `busy` answer only: whole seconds that cover the throttle level's spacing (the body's retryAfterMs is the same wait)",
  false,
);

/** `Cache-Control` exactly as the route sets it. */
export const cacheControl = (value: string): HeaderObject => ({
  description: `Always \`${value}\``,
  required: true,
  schema: { type: "string", const: value },
});

export const SESSION_COOKIE_HEADER: HeaderObject = {
  description:
    "`gs_session=<token>; Max-Age=43200; Path=/; HttpOnly; SameSite=Strict` (plus `Secure` over https): the same session as the body's token",
  required: true,
  schema: { type: "string", pattern: "^gs_session=" },
};

/** Each path parameter of the API as the server checks it. */
export const pathParameters: Record<string, { schema: z.ZodType; description: string }> = {
  requestId: {
    schema: z.string().regex(ID_PATTERN),
    description:
      "The client's id for this shake, 1-64 of [A-Za-z0-9_.:-]; a retry sends the same id and gets the same answer (400 otherwise)",
  },
  claimId: { schema: claimIdParam, description: "The claim id an envelope answer gave (a UUID; 400 otherwise)" },
  id: { schema: z.string().regex(GROUP_ID), description: "The group envelope id from its share link (404 for any other)" },
  phaseId: { schema: z.string().regex(ID_PATTERN), description: "A phase id of the stored timeline" },
  poolId: { schema: internalId, description: "A pool id from GET /api/admin/pools (minted by the server)" },
  sponsorId: { schema: z.string().regex(ID_PATTERN), description: "A sponsor id of the stored timeline's pools (404 when it has none)" },
};

const throttle = { level: 0, minIntervalMs: 1000 };
const at = 1_770_000_000_000;

/** Named examples of the shake's answers, one per kind (and an edge-lease win). */
export const shakeExamples: Record<string, { summary: string; value: ShakeResponse }> = {
  rest: {
    summary: "Between phases: rest until nextStartsAt (null when no phase is left tonight)",
    value: { kind: "rest", nextStartsAt: at + 90_000, requestId: "7d0f3c1e-shake-1", serverTime: at, throttle },
  },
  greeting: {
    summary: "A greeting phase, or a lottery shake that is not an envelope candidate: show the pre-downloaded greeting",
    value: {
      kind: "greeting",
      phaseId: "opening-lottery",
      assetId: "greeting-opening",
      requestId: "7d0f3c1e-shake-2",
      serverTime: at,
      throttle,
    },
  },
  envelope: {
    summary: "A win claimed at the viewer's shard: keep holdings for the next shakes' X-Gala-Holdings, then open the claim",
    value: {
      kind: "envelope",
      envelope: {
        claimId: "0b6f1c2e-8a53-4d6e-9a1f-3c2b7e9d4a10",
        phaseId: "opening-lottery",
        sponsorId: "lantern",
        assetId: "sponsor-lantern",
        amountCents: 888,
      },
      holdings: "eyJ0IjoiaG9sZGluZ3MiLCJ1IjoidV8xIiwiZyI6ImRlbW8tZ2FsYSIsInMiOlsibGFudGVybiJdfQ.c2lnbmF0dXJl",
      requestId: "7d0f3c1e-shake-3",
      serverTime: at,
      throttle,
    },
  },
  leasedEnvelope: {
    summary: "A win answered from the edge's lease (issuance edge-leases): keep signedClaim until the server has recorded it",
    value: {
      kind: "envelope",
      envelope: {
        claimId: "5e2a9d74-1b0c-4f38-8e6d-2a7c9b3f1d22",
        phaseId: "midnight-lottery",
        sponsorId: "phoenix",
        assetId: "sponsor-phoenix",
        amountCents: 166,
        signedClaim: "eyJ0IjoiY2xhaW0iLCJjIjoiNWUyYTlkNzQifQ.c2lnbmF0dXJl",
      },
      holdings: "eyJ0IjoiaG9sZGluZ3MiLCJ1IjoidV8xIiwiZyI6ImRlbW8tZ2FsYSIsInMiOlsicGhvZW5peCJdfQ.c2lnbmF0dXJl",
      requestId: "7d0f3c1e-shake-4",
      serverTime: at,
      throttle,
    },
  },
  busy: {
    summary: "Shed under load (also sends Retry-After): send the same request id again, marked X-Gala-Retry: 1, after retryAfterMs",
    value: {
      kind: "busy",
      retryAfterMs: 15_000,
      requestId: "7d0f3c1e-shake-5",
      serverTime: at,
      throttle: { level: 4, minIntervalMs: 15_000 },
    },
  },
};
