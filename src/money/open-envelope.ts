/**
 * Opening a won envelope (`POST /api/envelopes/:claimId/open`): one call to the owner's shard
 * marks the claim opened and makes sure its settlement goes out with the shard's next batch
 * (its alarm, within a fraction of a second; durable-objects/pool-shard/settlement-outbox.ts),
 * so the answer never waits for the money side. An edge-lease win the shard has not recorded
 * yet is recorded from the signed claim the client presents (checked here: signed by the edge
 * for this envelope, this viewer and their home shard): in the same call when its lease shard
 * is the home, else first through its lease shard, which merges it into the home at once; a
 * claim voided because its request id had already won opens the envelope that request won.
 */
import { openSignedClaim } from "../edge/claim-signing";
import type { Background } from "../edge/context";
import { admittedShardCall } from "../edge/shard-claim";
import { currentTimeline } from "../edge/timeline-cache";
import { envelopeAssetId } from "../domain/envelope-asset";
import { ApiError, badRequest, notFound, unavailable } from "../errors";
import { userShard } from "../objects";
import { recordAtLeaseShards } from "./leased-claims";
import { logMoney } from "../ops/log";
import type { OpenResponse } from "../wire/index";
import type { LeasedClaim, OpenOutcome, VoidReason } from "../wire/rpc";

const VOIDED: Record<VoidReason, string> = {
  limit: "this win went past the per-person limit of envelopes and was voided",
  request: "this shake had already won another envelope",
  expired: "this win came after its lease ran out and was voided",
  late: "this win was presented after its deadline and was voided",
};

/** The signed claim as the shard takes it: the claim, `invalid` when it is not this envelope's, none when it is another viewer's. */
async function presented(env: Env, userId: string, claimId: string, signedClaim: string): Promise<LeasedClaim | "invalid" | undefined> {
  const claim = await openSignedClaim(env, signedClaim);
  if (claim?.claimId !== claimId) return "invalid";
  return claim.userId === userId && claim.homeShard === userShard(env, userId) ? claim : undefined;
}

/**
 * A presented claim another shard lent for goes through that lease shard first (merged into
 * the home at once); what the home shard then takes with the open: the claim itself when it
 * lent it, else nothing more. A claim its lease shard voided (too late, lease expired) ends here.
 */
async function throughLeaseShard(env: Env, home: number, claim: LeasedClaim | "invalid" | undefined) {
  if (claim === undefined || claim === "invalid" || claim.shard === home) return claim;
  const [outcome] = await recordAtLeaseShards(env, [claim]);
  if (outcome.status === "voided" && outcome.reason !== "request") throw new ApiError(409, "claim_voided", VOIDED[outcome.reason]);
  return undefined;
}

/** Opens the viewer's envelope, the same on every call; throws the API's error when it cannot. */
export async function openEnvelope(
  env: Env,
  background: Background,
  userId: string,
  claimId: string,
  signedClaim: string | undefined,
): Promise<OpenResponse> {
  const shard = userShard(env, userId);
  const claim = await throughLeaseShard(
    env,
    shard,
    signedClaim === undefined ? undefined : await presented(env, userId, claimId, signedClaim),
  );
  // Admitted like a candidate's call: a failing or busy shard is a 503, never a 500.
  const outcome = await admittedShardCall(env, shard, async (stub): Promise<OpenOutcome | null> =>
    stub.openClaim(userId, claimId, Date.now(), claim),
  ).catch((err) => {
    if (err instanceof ApiError) throw err;
    console.warn("shard open failed", String(err));
    throw unavailable("the envelope cannot be opened right now; retry shortly", 2);
  });
  if (outcome?.status === "invalid") throw badRequest("signedClaim: is not the claim of this envelope", "invalid_claim");
  if (outcome?.status === "voided") throw new ApiError(409, "claim_voided", VOIDED[outcome.reason]);
  if (!outcome) throw notFound("you hold no envelope with this claim id");
  const { claim: opened, openedAt, enqueued } = outcome;
  const { phaseId, sponsorId, amountCents } = opened;
  logMoney("open", { claimId: opened.claimId, userId, shard, amountCents, phaseId, enqueued });
  const assetId = envelopeAssetId(await currentTimeline(env, background), phaseId, sponsorId);
  return { envelope: { claimId: opened.claimId, phaseId, sponsorId, assetId, amountCents }, openedAt };
}
