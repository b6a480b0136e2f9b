/**
 * Group envelope operations that span objects: create one from a won seed envelope's split
 * budget or from the sender's wallet, grab a share, read its status. Each envelope lives in
 * its own GroupEnvelope object; creation is idempotent per envelope id.
 */
import { ApiError, conflict, notFound } from "./errors";
import { groupStub, shardStub, timelineStub, userShard } from "./objects";
import type { SeedGroupInput } from "./schemas";
import type {
  CreateGroupResponse,
  GrabGroupResponse,
  GroupSpec,
  GroupStatus,
} from "./wire";

const GROUP_ID = /^g_[0-9a-f]{32}$/;
const RATE_LIMIT_RETRY_SECONDS = 60;

export const shareUrl = (groupId: string) => `/g/${groupId}`;

/** Envelope ids are unguessable; anything else is unknown without touching an object. */
function knownShape(groupId: string): string {
  if (!GROUP_ID.test(groupId)) throw notFound(`unknown group envelope "${groupId}"`);
  return groupId;
}

/** At most GROUP_CREATE_LIMIT creation attempts per user per period (Workers rate limiting). */
export async function checkCreationRate(env: Env, userId: string): Promise<void> {
  const { success } = await env.GROUP_CREATE_LIMIT.limit({ key: userId });
  if (!success) {
    throw new ApiError(429, "rate_limited", "too many group envelopes created; try again in a minute", {
      "Retry-After": String(RATE_LIMIT_RETRY_SECONDS),
    });
  }
}

function created(spec: GroupSpec): CreateGroupResponse {
  return {
    id: spec.groupId,
    shareUrl: shareUrl(spec.groupId),
    funding: spec.funding,
    amountCents: spec.amountCents,
    count: spec.count,
    expiresAt: spec.expiresAt,
  };
}

/**
 * The winner of a seed envelope whose pool carries a split budget shares it, once: the
 * envelope id is derived from the claim id, so a second creation finds the first.
 */
export async function createSeedGroup(env: Env, userId: string, request: SeedGroupInput): Promise<CreateGroupResponse> {
  const poolId = await shardStub(env, userShard(env, userId)).claimPool(userId, request.fromClaimId);
  if (!poolId) throw notFound(`you hold no envelope "${request.fromClaimId}"`);
  const pool = (await timelineStub(env).pools()).find((p) => p.record.poolId === poolId);
  const split = pool?.record.split;
  if (!split) throw conflict("this envelope carries no split budget");
  const now = Date.now();
  const spec: GroupSpec = {
    groupId: `g_${(await sha256Hex(`seed:${request.fromClaimId}`)).slice(0, 32)}`,
    senderId: userId,
    funding: "seed",
    amountCents: split.amountCents,
    count: split.count,
    greeting: request.greeting,
    createdAt: now,
    expiresAt: now + request.expiresInMs,
  };
  const result = await groupStub(env, spec.groupId).create(spec);
  if (result.status === "aborted") throw conflict("this group envelope was withdrawn");
  return created(result.spec);
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export async function grabGroup(env: Env, groupId: string, userId: string, requestId: string): Promise<GrabGroupResponse> {
  const outcome = await groupStub(env, knownShape(groupId)).grab(userId, requestId);
  if (!outcome) throw notFound(`unknown group envelope "${groupId}"`);
  return { ...outcome, groupId, requestId };
}

export async function groupStatus(env: Env, groupId: string): Promise<GroupStatus> {
  const status = await groupStub(env, knownShape(groupId)).status();
  if (!status) throw notFound(`unknown group envelope "${groupId}"`);
  return status;
}
