/**
 * Signed claims of edge-lease wins presented by their winners (docs/money-flow.md): each is
 * checked (signed by the edge, for this viewer, naming their home shard) and taken to the
 * lease shard it names, which records it on the home shard exactly once (at once, merging it
 * there when the home is another shard), whether the isolate that issued it reported it first or not.
 */
import { openSignedClaim } from "../edge/claim-signing";
import { ApiError, unavailable } from "../errors";
import { admittedShardCall } from "../edge/shard-claim";
import { byIssueOrder } from "../domain/merge-order";
import { userShard } from "../objects";
import type { PresentResponse } from "../wire/index";
import type { LeasedClaim, RecordOutcome } from "../wire/rpc";

type Result = PresentResponse["results"][number];

/**
 * The viewer's claims recorded through the lease shards that lent them: recorded or voided,
 * each once. Taken in issue order, one lease shard's run of them at a time, so an earlier claim
 * is recorded before a later one and the answers are final (a later claim recorded first
 * would be displaced by the earlier one a moment after it was answered "recorded").
 */
export async function recordAtLeaseShards(env: Env, claims: readonly LeasedClaim[]): Promise<RecordOutcome[]> {
  const runs: LeasedClaim[][] = [];
  for (const claim of [...claims].sort(byIssueOrder)) {
    const run = runs.at(-1);
    if (run?.[0].shard === claim.shard) run.push(claim);
    else runs.push([claim]);
  }
  const outcomes: RecordOutcome[] = [];
  for (const run of runs) {
    const shard = run[0].shard;
    const answer = await admittedShardCall(env, shard, (stub) => stub.recordLeasedClaims(run)).catch((err) => {
      if (err instanceof ApiError) throw err;
      console.warn("lease shard could not record presented claims", shard, String(err));
      throw unavailable("the claims cannot be recorded right now; keep them and retry shortly", 2);
    });
    outcomes.push(...answer);
  }
  return outcomes;
}

export async function presentClaims(env: Env, userId: string, texts: readonly string[]): Promise<Result[]> {
  const home = userShard(env, userId);
  const opened = await Promise.all(texts.map((text) => openSignedClaim(env, text)));
  const valid = opened.filter((c): c is LeasedClaim => c !== null && c.userId === userId && c.homeShard === home);
  const outcomes = new Map((await recordAtLeaseShards(env, valid)).map((r) => [r.claimId, r]));
  return opened.map((claim, i): Result => {
    const outcome = claim && outcomes.get(claim.claimId);
    if (!outcome) return { claimId: claim?.claimId ?? `invalid-${i}`, status: "voided", reason: "invalid" };
    if (outcome.status === "voided") return { claimId: outcome.claimId, status: "voided", reason: outcome.reason };
    return { claimId: outcome.claimId, status: "recorded" };
  });
}
