/**
 * What a pool shard knows about one user when a candidate arrives, read in one statement:
 * the sponsors of the envelopes they hold (for the limits) and, when this request id was
 * seen before, its answer (for idempotent retries). A won claim is its own record of the
 * answer (the claims row carries the request id); only answers that won nothing are kept
 * in `requests`.
 */
import type { ShardClaimResult } from "../src/wire/rpc";

export interface UserClaims {
  /** Sponsor of every envelope the user holds. */
  held: string[];
  /** The earlier answer to this request id, if any. */
  answered: ShardClaimResult | null;
}

type Row = {
  request_id: string;
  claim_id: string | null;
  phase_id: string | null;
  sponsor_id: string | null;
  amount: number | null;
  result: string | null;
};

export function readUserClaims(sql: SqlStorage, userId: string, requestId: string): UserClaims {
  const rows = sql
    .exec<Row>(
      `SELECT request_id, claim_id, phase_id, sponsor_id, amount, NULL AS result FROM claims WHERE user_id = ?1
       UNION ALL
       SELECT request_id, NULL, NULL, NULL, NULL, result FROM requests WHERE user_id = ?1 AND request_id = ?2`,
      userId,
      requestId,
    )
    .toArray();
  const held = rows.flatMap((row) => (row.claim_id === null ? [] : [row.sponsor_id ?? ""]));
  const earlier = rows.find((row) => row.request_id === requestId);
  return { held, answered: earlier ? answerOf(earlier) : null };
}

function answerOf(row: Row): ShardClaimResult {
  if (row.result !== null) return JSON.parse(row.result) as ShardClaimResult;
  return {
    status: "won",
    claim: { claimId: row.claim_id ?? "", phaseId: row.phase_id ?? "", sponsorId: row.sponsor_id ?? "", amountCents: row.amount ?? 0 },
  };
}
