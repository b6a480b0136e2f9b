/**
 * Group envelope operations that span objects: create one from a won seed envelope's split
 * budget or from the sender's wallet, grab a share, read its status. Each envelope lives in
 * its own GroupEnvelope object.
 *
 * Creation is register → fund → create, each step idempotent by the envelope id: the D1
 * registry row comes first (one per seed claim or sender request id), then the wallet debit
 * keyed by the envelope id (atomic against the balance), then the object. When the object
 * cannot be created, the object is told to refuse it for good and the debit is given back by
 * a compensating credit (or, before the debit came, the debit is refused for good); when even that is unknown, a retry with the same request id (which
 * wallet-funded creation requires) completes the creation, and so does the repair
 * (`settleRegistration`) after a bound; the audit names the registration until then. A seed
 * envelope whose creation was cancelled gets a new id on retry. Any dependency failure (D1,
 * an object) answers 503.
 */
import { groupProblem, GROUP_LEDGER } from "../domain/group-envelope";
import { ApiError, badRequest, conflict, notFound, unavailable } from "../errors";
import { cancelGroup, markCreated, registerGroup, reviveSeedGroup } from "./group-registry";
import { debitWallet } from "./wallet-ledger";
import { logMoney } from "../ops/log";
import { groupStub, timelineStub, userShard } from "../objects";
import { admittedShardCall } from "../edge/shard-claim";
import type { SeedGroupInput, WalletGroupInput } from "../schemas";
import type { CreateGroupResponse, GrabGroupResponse, GroupStatus } from "../wire/index";
import type { GroupCreateResult, GroupSpec } from "../wire/rpc";

export const GROUP_ID = /^g_[0-9a-f]{32}$/;
const RATE_LIMIT_RETRY_SECONDS = 60;

export const shareUrl = (groupId: string) => `/g/${groupId}`;

/** Envelope ids are unguessable; anything else is unknown without touching an object. */
function knownShape(groupId: string): string {
  if (!GROUP_ID.test(groupId)) throw notFound(`unknown group envelope "${groupId}"`);
  return groupId;
}

/** At most GROUP_CREATE_LIMIT creation attempts per user per period (Workers rate limiting). */
async function checkCreationRate(env: Env, userId: string): Promise<void> {
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

/** Runs a group operation; a failing dependency (D1, an object) is a 503, never a 500. */
async function guarded<T>(what: string, work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ApiError) throw err;
    console.error(`group ${what} failed`, String(err));
    throw unavailable(`group envelopes are unavailable right now (${what}); retry shortly`, 2);
  }
}

export function createGroup(env: Env, userId: string, request: SeedGroupInput | WalletGroupInput): Promise<CreateGroupResponse> {
  return guarded("creation", async () => {
    if ("fromClaimId" in request) {
      await checkCreationRate(env, userId);
      return createSeedGroup(env, userId, request);
    }
    const problem = groupProblem(request.amountCents, request.count);
    if (problem) throw badRequest(problem, "invalid_group");
    await checkCreationRate(env, userId);
    return createWalletGroup(env, userId, request);
  });
}

/**
 * The winner of a seed envelope whose pool carries a split budget shares it, once: the
 * envelope id is derived from the claim id and registered per claim, so a second creation
 * finds the first.
 */
async function createSeedGroup(env: Env, userId: string, request: SeedGroupInput): Promise<CreateGroupResponse> {
  const poolId = await admittedShardCall(env, userShard(env, userId), (stub) => stub.claimPool(userId, request.fromClaimId));
  if (!poolId) throw notFound(`you hold no envelope "${request.fromClaimId}"`);
  const pool = (await timelineStub(env).pools()).find((p) => p.record.poolId === poolId);
  const split = pool?.record.split;
  if (!split) throw conflict("this envelope carries no split budget");
  const now = Date.now();
  const sourceRef = `claim:${request.fromClaimId}`;
  const spec: GroupSpec = {
    groupId: await seedGroupId(request.fromClaimId, null),
    senderId: userId,
    funding: "seed",
    amountCents: split.amountCents,
    count: split.count,
    greeting: request.greeting,
    createdAt: now,
    expiresAt: now + request.expiresInMs,
  };
  let registered = await registerGroup(env.DB, sourceRef, spec, now);
  if (registered.status === "cancelled") {
    const cancelledId = registered.spec.groupId;
    const groupId = await seedGroupId(request.fromClaimId, cancelledId);
    registered = await reviveSeedGroup(env.DB, sourceRef, cancelledId, { ...spec, groupId });
  }
  return created(await createObject(env, registered.spec));
}

/** A seed envelope's id, derived from its claim (and from the cancelled id it replaces). */
async function seedGroupId(claimId: string, replaces: string | null): Promise<string> {
  return `g_${(await sha256Hex(replaces === null ? `seed:${claimId}` : `seed:${claimId}:${replaces}`)).slice(0, 32)}`;
}

const CANCELLED = "this request's group envelope was cancelled and refunded; use a new request id";

/**
 * Funded from the sender's settled balance: the debit is keyed by the envelope id. A refused
 * debit (insufficient funds) keeps the registration, so a retry with the same request id
 * debits the same envelope id: deleting it would let a concurrent retry that already read it
 * fund an object with no registry row. The repair cancels a registration nobody completes.
 */
async function createWalletGroup(env: Env, userId: string, request: WalletGroupInput): Promise<CreateGroupResponse> {
  const now = Date.now();
  const groupId = `g_${crypto.randomUUID().replace(/-/g, "")}`;
  const fresh: GroupSpec = {
    groupId,
    senderId: userId,
    funding: "wallet",
    amountCents: request.amountCents,
    count: request.count,
    greeting: request.greeting,
    createdAt: now,
    expiresAt: now + request.expiresInMs,
  };
  const { spec, status } = await registerGroup(env.DB, `wallet:${userId}:${request.requestId}`, fresh, now);
  if (status === "cancelled") throw conflict(CANCELLED);
  const debit = await debitWallet(
    env,
    {
      entryId: GROUP_LEDGER.send.entryId(spec.groupId),
      userId,
      kind: GROUP_LEDGER.send.kind,
      amountCents: spec.amountCents,
      ref: spec.groupId,
    },
    now,
  );
  if (debit.status === "refused") throw conflict(CANCELLED);
  if (debit.status === "insufficient") {
    throw new ApiError(409, "insufficient_funds", `your balance is ${debit.balanceCents} cents, not enough for ${spec.amountCents}`);
  }
  return created(await createObject(env, spec));
}

/** Creates the object of a registered (and funded) envelope, or cancels it for good. */
async function createObject(env: Env, spec: GroupSpec): Promise<GroupSpec> {
  const stub = groupStub(env, spec.groupId);
  let result: GroupCreateResult;
  try {
    result = await stub.create(spec);
  } catch (err) {
    console.warn("group envelope creation failed", spec.groupId, String(err));
    result = await settleFailedCreation(env, spec);
  }
  if (result.status === "aborted") {
    await cancelGroup(env, spec, Date.now());
    throw unavailable("the group envelope could not be created; nothing was charged");
  }
  await markCreated(env.DB, spec.groupId);
  const { groupId, senderId, funding, amountCents, count } = result.spec;
  logMoney("group_create", { groupId, userId: senderId, funding, amountCents, count });
  return result.spec;
}

/**
 * The repair of a registration whose creation never finished: the object either exists (the
 * registration is marked created) or is refused for good and any debit given back.
 */
export async function settleRegistration(env: Env, spec: GroupSpec, now: number): Promise<"created" | "cancelled"> {
  if (await groupStub(env, spec.groupId).abort()) {
    await cancelGroup(env, spec, now);
    return "cancelled";
  }
  await markCreated(env.DB, spec.groupId);
  return "created";
}

/** After an unclear failure: if the object does not exist, make sure it never will. */
async function settleFailedCreation(env: Env, spec: GroupSpec): Promise<GroupCreateResult> {
  let aborted: boolean;
  try {
    aborted = await groupStub(env, spec.groupId).abort();
  } catch (err) {
    console.error("group envelope creation undecided", spec.groupId, String(err));
    throw unavailable("the group envelope is not created yet; retry with the same requestId");
  }
  return aborted ? { status: "aborted" } : { status: "existing", spec };
}

async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

export function grabGroup(env: Env, groupId: string, userId: string, requestId: string): Promise<GrabGroupResponse> {
  return guarded("grab", async () => {
    const outcome = await groupStub(env, knownShape(groupId)).grab(userId, requestId);
    if (!outcome) throw notFound(`unknown group envelope "${groupId}"`);
    return { ...outcome, groupId, requestId };
  });
}

export function groupStatus(env: Env, groupId: string): Promise<GroupStatus> {
  return guarded("status", async () => {
    const status = await groupStub(env, knownShape(groupId)).status();
    if (!status) throw notFound(`unknown group envelope "${groupId}"`);
    return status;
  });
}
