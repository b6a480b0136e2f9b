/**
 * Request schemas: every body is parsed here, with bounded sizes, before a route acts.
 * Each schema is checked against its wire type so the two cannot drift apart.
 */
import { z } from "zod";
import type { Context } from "hono";
import { CLAIMS_PER_MESSAGE } from "./domain/settlement";
import { badRequest } from "./errors";
import { DEFAULT_GROUP_TTL_MS, MAX_GREETING_CHARS, MAX_GROUP_COUNT, MAX_GROUP_TTL_MS, MIN_GROUP_TTL_MS } from "./domain/group-envelope";
import type {
  CreatePoolRequest,
  CreateSeedGroupRequest,
  CreateWalletGroupRequest,
  GrabGroupRequest,
  LocalizedText,
  Phase,
  SessionRequest,
  ShakeRequest,
  Sponsor,
  Timeline,
} from "./wire/index";
import type { OpenRequest, PresentRequest } from "./wire/index";
import type { GroupCredit } from "./wire/rpc";
import type { SettlementClaim } from "./wire/index";
import type { SettlementMessage } from "./wire/rpc";

/** Client-chosen ids (request, device, phase, sponsor): 1-64 letters, digits or _.:- */
export const ID_PATTERN = /^[A-Za-z0-9_.:-]{1,64}$/;
export const ID_RULE = "must be 1-64 letters, digits or _.:-";
const id = z.string().regex(ID_PATTERN, ID_RULE);
const cents = z.number().int("must be a whole number of cents").min(1, "must be at least 1 cent").max(1e12);
const epochMs = z.number().int().min(0).max(8.64e15);

/** A PKCE verifier or nonce secret: 43-128 unreserved characters (RFC 7636). */
const verifier = z.string().regex(/^[A-Za-z0-9._~-]{43,128}$/, "must be 43-128 of A-Z a-z 0-9 . _ ~ -");

export const sessionRequest = z
  .object({
    deviceId: id.optional(),
    idToken: z.string().min(1).max(8192).optional(),
    code: z.string().min(1).max(2048).optional(),
    codeVerifier: verifier.optional(),
    redirectUri: z
      .url({ protocol: /^https?$/ })
      .max(2048)
      .optional(),
    issuer: z.string().min(1).max(2048).optional(),
    nonce: verifier.optional(),
    turnstileToken: z.string().min(1).max(2048).optional(),
  })
  .strict()
  .superRefine((r, ctx) => {
    const problem =
      r.idToken && r.code
        ? "idToken and code: send one of them"
        : (r.idToken || r.code) && !r.nonce
          ? "nonce: the secret of the sign-in's nonce is required with an ID token or a code"
          : r.code && !(r.codeVerifier && r.redirectUri)
            ? "codeVerifier, redirectUri: required with a code"
            : null;
    if (problem) ctx.addIssue({ code: "custom", message: problem });
  }) satisfies z.ZodType<SessionRequest>;

/** A session request that signs a person in: with an ID token, or with a code to exchange for one. */
export type SignIn =
  { idToken: string; nonce: string } | { code: string; codeVerifier: string; redirectUri: string; issuer?: string; nonce: string };

export const shakeRequest = z.object({ requestId: id }).strict() satisfies z.ZodType<ShakeRequest>;

const signedClaim = z.string().min(1).max(2048);
/** Signed claims one presentation may carry. */
export const MAX_PRESENTED_CLAIMS = 50;
export const openRequest = z.object({ signedClaim: signedClaim.optional() }).strict() satisfies z.ZodType<OpenRequest>;
export const presentRequest = z
  .object({ signedClaims: z.array(signedClaim).min(1).max(MAX_PRESENTED_CLAIMS) })
  .strict() satisfies z.ZodType<PresentRequest>;

export const MAX_POOL_ENVELOPES = 500_000;

export const createPoolRequest = z
  .object({
    phaseId: id,
    sponsorId: id,
    budgetCents: cents,
    count: z.number().int().min(1).max(MAX_POOL_ENVELOPES),
    minCents: cents.optional(),
    maxCents: cents.optional(),
    splitAmountCents: cents.optional(),
    splitCount: z.number().int().min(1).max(MAX_GROUP_COUNT).optional(),
  })
  .strict() satisfies z.ZodType<CreatePoolRequest>;

const groupTerms = {
  greeting: z.string().max(MAX_GREETING_CHARS).default(""),
  expiresInMs: z.number().int().min(MIN_GROUP_TTL_MS).max(MAX_GROUP_TTL_MS).default(DEFAULT_GROUP_TTL_MS),
};

export const createWalletGroupRequest = z
  .object({ amountCents: cents, count: z.number().int().min(1), requestId: id, ...groupTerms })
  .strict() satisfies z.ZodType<CreateWalletGroupRequest>;

export const createSeedGroupRequest = z.object({ fromClaimId: id, ...groupTerms }).strict() satisfies z.ZodType<CreateSeedGroupRequest>;

export const createGroupRequest = z.union([createSeedGroupRequest, createWalletGroupRequest]);
export type SeedGroupInput = z.infer<typeof createSeedGroupRequest>;
export type WalletGroupInput = z.infer<typeof createWalletGroupRequest>;

export const grabGroupRequest = z.object({ requestId: id }).strict() satisfies z.ZodType<GrabGroupRequest>;

const localized = (max: number) =>
  z
    .object({ "zh-CN": z.string().min(1).max(max).optional(), en: z.string().min(1).max(max).optional() })
    .strict() satisfies z.ZodType<LocalizedText>;

export const sponsorSchema = z
  .object({ id, name: z.string().min(1).max(80), names: localized(80).optional(), assetId: id })
  .strict() satisfies z.ZodType<Sponsor>;

export const phaseSchema = z
  .object({
    id,
    title: z.string().min(1).max(120),
    titles: localized(120).optional(),
    kind: z.enum(["greeting", "lottery"]),
    startsAt: epochMs,
    endsAt: epochMs,
    sponsorIds: z.array(id).max(20),
    greetingAssetId: id,
    candidateRate: z.number().min(0).max(1),
    issuance: z.enum(["shard", "edge-leases"]).optional(),
  })
  .strict() satisfies z.ZodType<Phase>;

/** An audience in phones: a whole number from 1 to 10 billion (the timeline's `audience`, the estimate's `viewers`). */
export const audienceCount = z.number().int().min(1).max(10_000_000_000);

export const timelineBody = z
  .object({
    galaId: id,
    audience: audienceCount
      .optional()
      .describe(
        "Phones the operator expects at the show: the timeline's warnings check each phase's plan against it; the estimate's default audience",
      ),
    sponsors: z.array(sponsorSchema).max(200),
    phases: z.array(phaseSchema).max(500),
  })
  .strict() satisfies z.ZodType<Omit<Timeline, "version">>;

export const MAX_BODY_BYTES = 256 * 1024;

/** Reads and validates a JSON body; malformed or invalid bodies become 400s. */
export async function parseBody<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  if (text.length > MAX_BODY_BYTES) throw badRequest("request body is too large", "too_large");
  let json: unknown;
  try {
    json = text === "" ? {} : JSON.parse(text);
  } catch {
    throw badRequest("request body is not valid JSON", "malformed_json");
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    const where = issue.path.length ? issue.path.join(".") : "body";
    throw badRequest(`${where}: ${issue.message}`, "invalid_request");
  }
  return result.data;
}

/** Ids the system itself minted (pool ids, for one, grow with roll-overs): bounded, not patterned. */
export const internalId = z.string().min(1).max(256);

const claimSchema = z
  .object({
    claimId: id,
    userId: id,
    poolId: internalId,
    phaseId: internalId,
    sponsorId: internalId,
    amountCents: cents,
    claimedAt: epochMs,
  })
  .strict() satisfies z.ZodType<SettlementClaim>;

const groupCredit = z
  .object({
    entryId: z.string().min(1).max(200),
    kind: z.enum(["group-grab", "group-refund"]),
    groupId: id,
    userId: id,
    amountCents: cents,
  })
  .strict() satisfies z.ZodType<GroupCredit>;

/** A settlement queue message body (produced by this worker, still checked on the way in). */
export const settlementMessage = z.union([
  z
    .object({
      kind: z.literal("claims"),
      shard: z.number().int().min(0).max(10_000),
      claims: z.array(claimSchema).min(1).max(CLAIMS_PER_MESSAGE),
    })
    .strict(),
  z.object({ kind: z.literal("group"), credits: z.array(groupCredit).min(1).max(1000) }).strict(),
]) satisfies z.ZodType<SettlementMessage>;

/** A claim id in a path: the shard hands out UUIDs. */
export const claimIdParam = z.uuid();
