/**
 * Answer schemas of the viewer API (sessions, identity, time, timeline, shake, open, wallet, groups).
 * Each is checked against its wire type (`satisfies`), and the OpenAPI document is generated
 * from them, so the wire types, the document and the tests that parse real answers agree.
 */
import { z } from "zod";
import type {
  ApiErrorBody,
  CreateGroupResponse,
  GrabGroupResponse,
  GroupView,
  IdentityInfo,
  OpenResponse,
  PresentResponse,
  PublicTimeline,
  SessionResponse,
  ShakeResponse,
  TimeResponse,
  WalletResponse,
  WonEnvelope,
} from "../wire/index";
import { phaseSchema, sponsorSchema } from "../schemas";

/** Signed integer cents (wallet debits are negative). */
export const money = z.number().int();
/** Cents and counts that cannot be negative. */
export const amount = z.number().int().min(0);
export const epoch = z.number().int().min(0);
export const text = z.string();
/** An object of counts (non-negative integers) and nothing else. */
export const counts = <K extends string>(...keys: K[]) =>
  z.object(Object.fromEntries(keys.map((k) => [k, amount])) as Record<K, typeof amount>).strict();

export const errorAnswer = z.object({ error: z.object({ code: text, message: text }).strict() }).strict() satisfies z.ZodType<ApiErrorBody>;

export const sessionAnswer = z
  .object({ token: text, userId: text, expiresAt: epoch, signedIn: z.boolean(), name: text.optional() })
  .strict() satisfies z.ZodType<SessionResponse>;

export const identityAnswer = z
  .object({ signInUrl: text.nullable(), anonymousSessions: z.enum(["on", "turnstile", "off"]), turnstileSiteKey: text.nullable() })
  .strict() satisfies z.ZodType<IdentityInfo>;

export const timeAnswer = z.object({ serverTime: epoch }).strict() satisfies z.ZodType<TimeResponse>;

const phaseKind = z.enum(["greeting", "lottery"]);

export const publicTimelineAnswer = z
  .object({
    galaId: text,
    version: amount,
    serverTime: epoch,
    phases: z.array(
      z
        .object({
          id: text,
          title: text,
          titles: phaseSchema.shape.titles,
          kind: phaseKind,
          startsAt: epoch,
          endsAt: epoch,
          sponsors: z.array(sponsorSchema),
          greetingAssetId: text,
        })
        .strict(),
    ),
    live: z.object({ url: text, pollMs: amount }).strict(),
  })
  .strict() satisfies z.ZodType<PublicTimeline>;

const wonEnvelope = z
  .object({ claimId: text, phaseId: text, sponsorId: text, assetId: text, amountCents: amount, signedClaim: text.optional() })
  .strict() satisfies z.ZodType<WonEnvelope>;

const shakeEnvelope = {
  requestId: text,
  serverTime: epoch,
  throttle: z.object({ level: amount, minIntervalMs: amount }).strict(),
};

export const shakeAnswer = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("rest"), nextStartsAt: epoch.nullable(), ...shakeEnvelope }).strict(),
  z.object({ kind: z.literal("greeting"), phaseId: text, assetId: text, ...shakeEnvelope }).strict(),
  z.object({ kind: z.literal("envelope"), envelope: wonEnvelope, holdings: text.optional(), ...shakeEnvelope }).strict(),
  z.object({ kind: z.literal("busy"), retryAfterMs: amount, ...shakeEnvelope }).strict(),
]) satisfies z.ZodType<ShakeResponse>;

export const openAnswer = z.object({ envelope: wonEnvelope, openedAt: epoch }).strict() satisfies z.ZodType<OpenResponse>;

export const presentAnswer = z
  .object({
    results: z.array(z.object({ claimId: text, status: z.enum(["recorded", "voided"]), reason: text.optional() }).strict()),
  })
  .strict() satisfies z.ZodType<PresentResponse>;

export const walletAnswer = z
  .object({
    userId: text,
    balanceCents: money,
    pendingCents: amount,
    entries: z.array(
      z
        .object({
          entryId: text,
          kind: text,
          status: z.enum(["settled", "pending"]),
          amountCents: money,
          claimId: text.nullable(),
          sponsorId: text.nullable(),
          phaseId: text.nullable(),
          at: epoch,
        })
        .strict(),
    ),
  })
  .strict() satisfies z.ZodType<WalletResponse>;

const funding = z.enum(["wallet", "seed"]);

export const createGroupAnswer = z
  .object({ id: text, shareUrl: text, funding, amountCents: amount, count: amount, expiresAt: epoch })
  .strict() satisfies z.ZodType<CreateGroupResponse>;

const grabIds = { groupId: text, requestId: text };

export const grabGroupAnswer = z.discriminatedUnion("status", [
  z.object({ status: z.literal("grabbed"), amountCents: amount, ...grabIds }).strict(),
  z.object({ status: z.literal("already"), amountCents: amount, ...grabIds }).strict(),
  z.object({ status: z.literal("empty"), ...grabIds }).strict(),
  z.object({ status: z.literal("expired"), ...grabIds }).strict(),
]) satisfies z.ZodType<GrabGroupResponse>;

export const groupViewAnswer = z
  .object({
    id: text,
    youSent: z.boolean(),
    funding,
    greeting: text,
    amountCents: amount,
    count: amount,
    grabbedCents: amount,
    grabbedCount: amount,
    remainingCents: amount,
    remainingCount: amount,
    refundedCents: amount,
    state: z.enum(["open", "empty", "expired", "refunded"]),
    createdAt: epoch,
    expiresAt: epoch,
    grabs: z.array(z.object({ label: text, you: z.boolean(), sender: z.boolean(), amountCents: amount, grabbedAt: epoch }).strict()),
  })
  .strict() satisfies z.ZodType<GroupView>;
