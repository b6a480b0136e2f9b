/**
 * The books of leased claims merged between a lease shard (which lent the envelope) and the
 * viewer's home shard (which records the claim and keeps the limits), when they are two
 * shards (docs/money-flow.md, "Lease shards"). The only writer of `merge_outbox`,
 * `merged_out`, `merge_voids` and `merged_in`. Plain methods over the shard's SQLite
 * storage, run inside its transactions; leases.ts decides, merge-flush.ts makes the calls.
 *
 * As a lease shard: a reported claim waits in `merge_outbox` (its envelope still lent, in
 * `leased_envelopes`, so it counts as leased until its home answers); once the home recorded
 * it, `merged_out` keeps it (the envelope left this shard's books for the home's); once the
 * home voided it, `merge_voids` keeps why (its envelope went back to this shard's stock).
 * As a home shard: `merged_in` keeps every claim recorded from another shard's loan, exactly
 * once per claim id. A repeated merge answers from what became of the claim: "recorded", or,
 * once an earlier-issued claim displaced it, "voided" (`limit`) with its envelope at home: the
 * home took the envelope into its books with the first merge and restocked it there, so the
 * lease shard takes it off its books as merged out and never restocks it itself.
 */
import type { LeasedClaim, RecordOutcome, VoidReason } from "../../src/wire/rpc";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS merge_outbox (
  claim_id TEXT PRIMARY KEY,
  envelope_id TEXT NOT NULL,
  home_shard INTEGER NOT NULL,
  claim TEXT NOT NULL,
  queued_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS merge_outbox_queued ON merge_outbox(queued_at);
CREATE INDEX IF NOT EXISTS merge_outbox_envelope ON merge_outbox(envelope_id);
CREATE TABLE IF NOT EXISTS merged_out (
  claim_id TEXT PRIMARY KEY,
  envelope_id TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  home_shard INTEGER NOT NULL,
  merged_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS merged_out_pool ON merged_out(pool_id);
CREATE INDEX IF NOT EXISTS merged_out_at ON merged_out(merged_at);
CREATE TABLE IF NOT EXISTS merge_voids (
  claim_id TEXT PRIMARY KEY,
  reason TEXT NOT NULL,
  voided_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS merged_in (
  claim_id TEXT PRIMARY KEY,
  envelope_id TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  lease_shard INTEGER NOT NULL,
  merged_at INTEGER NOT NULL
) WITHOUT ROWID;
`;

/** How many claims one merge call carries at most. */
export const MERGE_BATCH = 500;

/** Claims waiting for one home shard. */
export interface MergeBatch {
  homeShard: number;
  claims: LeasedClaim[];
}

export class Merges {
  #sql: SqlStorage;
  /** How long after its issue a claim can still be displaced at its home (MERGE_HORIZON_MS). */
  #horizonMs: number;

  constructor(sql: SqlStorage, horizonMs: number) {
    this.#sql = sql;
    this.#horizonMs = horizonMs;
    sql.exec(SCHEMA);
  }

  // ------------------------------------------------------------ as the lease shard

  /** What became of a claim this shard lent for: merged (recorded at home), voided at home, waiting, or nothing known. */
  outcome(claimId: string): RecordOutcome | null {
    const row = this.#sql
      .exec<{ out: number | null; voided: VoidReason | null; waiting: number | null }>(
        `SELECT (SELECT 1 FROM merged_out WHERE claim_id = ?1) AS out,
                (SELECT reason FROM merge_voids WHERE claim_id = ?1) AS voided,
                (SELECT 1 FROM merge_outbox WHERE claim_id = ?1) AS waiting`,
        claimId,
      )
      .one();
    if (row.out !== null) return { claimId, status: "recorded" };
    if (row.voided !== null) return { claimId, status: "voided", reason: row.voided };
    return row.waiting !== null ? { claimId, status: "merging" } : null;
  }

  queue(claim: LeasedClaim, now: number): void {
    this.#sql.exec(
      "INSERT OR IGNORE INTO merge_outbox (claim_id, envelope_id, home_shard, claim, queued_at) VALUES (?, ?, ?, ?, ?)",
      claim.claimId,
      claim.envelopeId,
      claim.homeShard,
      JSON.stringify(claim),
      now,
    );
  }

  /** The claims waiting, oldest first, by home shard (at most MERGE_BATCH per home). */
  waiting(): MergeBatch[] {
    const rows = this.#sql
      .exec<{ home_shard: number; claim: string }>("SELECT home_shard, claim FROM merge_outbox ORDER BY queued_at")
      .toArray();
    const byHome = new Map<number, LeasedClaim[]>();
    for (const row of rows) {
      const claims = byHome.get(row.home_shard) ?? [];
      if (claims.length < MERGE_BATCH) claims.push(JSON.parse(row.claim) as LeasedClaim);
      byHome.set(row.home_shard, claims);
    }
    return [...byHome].map(([homeShard, claims]) => ({ homeShard, claims }));
  }

  /** Claims still waiting for their home (the audit names a stuck merge by them). */
  waitingCount(): number {
    return this.#sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM merge_outbox").one().n;
  }

  /** Takes a waiting claim out of the outbox; null when it is not there (its answer was applied already). */
  take(claimId: string): LeasedClaim | null {
    const row = this.#sql.exec<{ claim: string }>("DELETE FROM merge_outbox WHERE claim_id = ? RETURNING claim", claimId).toArray()[0];
    return row ? (JSON.parse(row.claim) as LeasedClaim) : null;
  }

  /** The claim waiting with this envelope, if any. */
  waitingWith(envelopeId: string): string | null {
    return (
      this.#sql.exec<{ claim_id: string }>("SELECT claim_id FROM merge_outbox WHERE envelope_id = ?", envelopeId).toArray()[0]?.claim_id ??
      null
    );
  }

  /** The home recorded the claim: its envelope left this shard's books. */
  mergedOut(claim: LeasedClaim, now: number): void {
    this.#sql.exec(
      "INSERT INTO merged_out (claim_id, envelope_id, pool_id, amount, home_shard, merged_at) VALUES (?, ?, ?, ?, ?, ?)",
      claim.claimId,
      claim.envelopeId,
      claim.poolId,
      claim.amountCents,
      claim.homeShard,
      now,
    );
  }

  /**
   * When the claims of `phaseId` this shard merged out are final at their homes, for those that
   * may not be yet (merged less than the horizon ago: a claim is final the horizon after its
   * issue, which was before its merge). Until then their homes may displace them and restock
   * the envelopes in the phase, so a phase's close counts them whichever shard it reads first.
   */
  notFinalOut(phaseId: string, now: number): number[] {
    return this.#sql
      .exec<{ merged_at: number }>(
        "SELECT m.merged_at FROM merged_out m JOIN pools p ON p.pool_id = m.pool_id WHERE m.merged_at > ? AND p.phase_id = ?",
        now - this.#horizonMs,
        phaseId,
      )
      .toArray()
      .map((r) => r.merged_at + this.#horizonMs);
  }

  /** The home voided the claim (its envelope is back in this shard's stock). */
  voidedAtHome(claimId: string, reason: VoidReason, now: number): void {
    this.#sql.exec("INSERT INTO merge_voids (claim_id, reason, voided_at) VALUES (?, ?, ?)", claimId, reason, now);
  }

  // ------------------------------------------------------------ as the home shard

  /** Whether this home recorded the claim from another shard's loan. */
  isMergedIn(claimId: string): boolean {
    return this.#sql.exec("SELECT 1 FROM merged_in WHERE claim_id = ?", claimId).toArray().length > 0;
  }

  /** Records that the claim's envelope came into this shard's books from its lease shard. */
  mergedIn(claim: LeasedClaim, now: number): void {
    this.#sql.exec(
      "INSERT INTO merged_in (claim_id, envelope_id, pool_id, amount, lease_shard, merged_at) VALUES (?, ?, ?, ?, ?, ?)",
      claim.claimId,
      claim.envelopeId,
      claim.poolId,
      claim.amountCents,
      claim.shard,
      now,
    );
  }
}
