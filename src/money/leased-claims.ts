/**
 * Signed claims of edge-lease wins presented by their winners (docs/money-flow.md): each is
 * checked (signed by the edge, for this viewer, on their home shard) and recorded on the home
 * shard exactly once, whether the isolate that issued it reported it first or not.
 */
import { openSignedClaim } from "../edge/claim-signing";
import { ApiError, unavailable } from "../errors";
import { admittedShardCall } from "../edge/shard-claim";
import { userShard } from "../objects";
import type { PresentResponse } from "../wire/index";
import type { LeasedClaim } from "../wire/rpc";

type Result = PresentResponse["results"][number];

export async function presentClaims(env: Env, userId: string, texts: readonly string[]): Promise<Result[]> {
  const shard = userShard(env, userId);
  const opened = await Promise.all(texts.map((text) => openSignedClaim(env, text)));
  const valid = opened.filter((c): c is LeasedClaim => c !== null && c.userId === userId && c.shard === shard);
  const recorded = valid.length
    ? await admittedShardCall(env, shard, (stub) => stub.recordLeasedClaims(valid)).catch((err) => {
        if (err instanceof ApiError) throw err;
        console.warn("shard could not record presented claims", shard, String(err));
        throw unavailable("the claims cannot be recorded right now; keep them and retry shortly", 2);
      })
    : [];
  const outcomes = new Map(recorded.map((r) => [r.claimId, r]));
  return opened.map((claim, i): Result => {
    const outcome = claim && outcomes.get(claim.claimId);
    if (!outcome) return { claimId: claim?.claimId ?? `invalid-${i}`, status: "voided", reason: "invalid" };
    return outcome.status === "recorded"
      ? { claimId: outcome.claimId, status: "recorded" }
      : { claimId: outcome.claimId, status: "voided", reason: outcome.reason };
  });
}
