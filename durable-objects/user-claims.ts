/**
 * What a pool shard knows about one user when a candidate arrives, read in one statement:
 * the sponsors of the envelopes they hold in this gala (the limits are per person per gala:
 * a new gala starts them afresh) and, when this request id was seen before, its answer (for
 * idempotent retries). A won claim is its own record of the
 * answer (the claims row carries the request id); only answers that won nothing are kept
 * in `requests`.
 */
import type { ShardClaimResult, UserRequest } from "../src/wire/rpc";

export interface UserClaims {
  /** Sponsor of every envelope the user holds in the gala. */
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

/**
 * Claims recorded before limits were counted per gala have the gala '' (they count
 * together as one earlier gala). Idempotent: adds the column only when it is missing.
 */
export function addGalaColumn(sql: SqlStorage): void {
  const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('claims')").toArray();
  if (!columns.some((c) => c.name === "gala_id")) sql.exec("ALTER TABLE claims ADD COLUMN gala_id TEXT NOT NULL DEFAULT ''");
}

/**
 * A won claim of this request id answers its retries in any gala (a request id names one
 * shake); the limits count only the claims of the request's gala.
 */
export function readUserClaims(sql: SqlStorage, { userId, requestId, galaId }: UserRequest): UserClaims {
  const rows = sql
    .exec<Row & { gala_id: string | null }>(
      `SELECT request_id, claim_id, phase_id, sponsor_id, amount, NULL AS result, gala_id FROM claims WHERE user_id = ?1 AND (gala_id = ?3 OR request_id = ?2)
       UNION ALL
       SELECT request_id, NULL, NULL, NULL, NULL, result, NULL FROM requests WHERE user_id = ?1 AND request_id = ?2`,
      userId,
      requestId,
      galaId,
    )
    .toArray();
  const held = rows.flatMap((row) => (row.claim_id === null || row.gala_id !== galaId ? [] : [row.sponsor_id ?? ""]));
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
