/**
 * Leased claims voided on this shard (`voided_claims`, its only writer), with why: a broken
 * limit, a request id that had already won, a lease expired or returned (leases.ts), or a
 * claim displaced by an earlier-issued one (its lease id then empty). Read by the open of a
 * voided claim and by a repeated report or merge, which answer as the first did.
 */
import type { VoidReason } from "../../src/wire/rpc";

/** The pool and cents of a voided claim (the statement's voided per pool, totals.ts). */
const VOIDED_POOL = "pool_id TEXT NOT NULL DEFAULT '', amount INTEGER NOT NULL DEFAULT 0";

/**
 * A void recorded before the pool and cents were kept gets those of its envelope, which an
 * envelope keeps for life: the void left it in this shard's stock (it returned the envelope, or
 * the lease had), where it may since have been lent again or claimed. One whose envelope left
 * the shard since (a leftover move takes envelopes out by pool, not by id) keeps pool '' and 0,
 * counted under pool '' (test/settlement/voided-migration.test.ts).
 */
const envelopeOf = (column: string) =>
  ["envelopes", "leased_envelopes", "claims"]
    .map((table) => `(SELECT ${column} FROM ${table} WHERE envelope_id = voided_claims.envelope_id)`)
    .join(", ");
const FILL_VOIDED_POOL = `UPDATE voided_claims SET pool_id = COALESCE(${envelopeOf("pool_id")}, ''), amount = COALESCE(${envelopeOf("amount")}, 0)`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS voided_claims (
  claim_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  voided_at INTEGER NOT NULL,
  ${VOIDED_POOL}
) WITHOUT ROWID;
`;

export interface VoidedClaim {
  claimId: string;
  userId: string;
  requestId: string;
  leaseId: string;
  envelopeId: string;
  poolId: string;
  amountCents: number;
}

export class VoidedClaims {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(SCHEMA);
    if (!sql.exec("SELECT 1 FROM pragma_table_info('voided_claims') WHERE name = 'pool_id'").toArray().length) {
      for (const column of VOIDED_POOL.split(", ")) sql.exec(`ALTER TABLE voided_claims ADD COLUMN ${column}`);
      sql.exec(FILL_VOIDED_POOL);
    }
  }

  add(v: VoidedClaim, reason: VoidReason, now: number): void {
    this.#sql.exec(
      `INSERT INTO voided_claims (claim_id, user_id, request_id, lease_id, envelope_id, reason, voided_at, pool_id, amount)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      v.claimId,
      v.userId,
      v.requestId,
      v.leaseId,
      v.envelopeId,
      reason,
      now,
      v.poolId,
      v.amountCents,
    );
  }

  reasonOf(claimId: string): VoidReason | null {
    return (
      this.#sql.exec<{ reason: VoidReason }>("SELECT reason FROM voided_claims WHERE claim_id = ?", claimId).toArray()[0]?.reason ?? null
    );
  }

  /** Why this user's claim was voided, and its request id; null when it was not. */
  ofUser(userId: string, claimId: string): { reason: VoidReason; requestId: string } | null {
    const row = this.#sql
      .exec<{ reason: VoidReason; request_id: string }>(
        "SELECT reason, request_id FROM voided_claims WHERE claim_id = ? AND user_id = ?",
        claimId,
        userId,
      )
      .toArray()[0];
    return row ? { reason: row.reason, requestId: row.request_id } : null;
  }
}
