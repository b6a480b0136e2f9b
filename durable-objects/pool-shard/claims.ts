/**
 * A pool shard's claims: every envelope won here (`claims`, with the request id that won it)
 * and the answers of request ids that won nothing (`requests`). The only writer of both
 * tables: `record` is the one place a claim is written, whether this shard decided the win
 * (`claim`, for a candidate the edge sent) or an edge lease issued it (leases.ts records it).
 * Every claim of a person lives on their shard, so the per-person limits
 * (src/domain/limits.ts) hold exactly here, and a request id's answer is found again for its
 * retries. Issuance pacing is per pool (pool-pacing.ts): a candidate is offered only pools
 * that have not issued their allowance yet, each weighed by its remaining plan over the share
 * of the phase's candidates eligible for its sponsor (src/domain/pool-choice.ts), so a pool
 * whose sponsor many viewers already hold keeps its plan. Plain methods over the shard's
 * SQLite storage, run inside its transactions.
 */
import { mayTake, mergeSponsorsHeld } from "../../src/domain/limits";
import type { HeldClaim } from "../../src/domain/merge-order";
import { EligibilityTally, planWeights, weightedIndex } from "../../src/domain/pool-choice";
import type { PacedClaimRequest, ShardClaimRequest, ShardClaimResult, UserRequest, WonResult } from "../../src/wire/rpc";
import type { PhaseWindows } from "./phase-windows";
import type { PoolPacing } from "./pool-pacing";
import type { Stock } from "./stock";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS claims (
  claim_id TEXT PRIMARY KEY,
  envelope_id TEXT NOT NULL UNIQUE,
  user_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  phase_id TEXT NOT NULL,
  sponsor_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0),
  claimed_at INTEGER NOT NULL,
  gala_id TEXT NOT NULL DEFAULT '',
  final_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS claims_user ON claims(user_id);
CREATE INDEX IF NOT EXISTS claims_pool ON claims(pool_id);
-- Answers of request ids that won nothing; a won claim's claims row is its answer.
CREATE TABLE IF NOT EXISTS requests (
  user_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  result TEXT NOT NULL,
  PRIMARY KEY (user_id, request_id)
) WITHOUT ROWID;
`;

/** One claim as it is recorded. */
export interface ClaimRecord {
  claimId: string;
  envelopeId: string;
  userId: string;
  requestId: string;
  poolId: string;
  phaseId: string;
  sponsorId: string;
  amountCents: number;
  /** When the edge or the shard issued it. */
  claimedAt: number;
  galaId: string;
  /** From when no earlier-issued claim can displace it (src/domain/merge-order.ts); it settles only then. */
  finalAt: number;
}

/** What the shard knows about one person when a request of theirs arrives. */
export interface UserClaims {
  /** Sponsor of every envelope the person holds in the request's gala. */
  sponsorsHeld: string[];
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
  gala_id: string | null;
};

/** A replayed answer: the same claim, with the person's sponsors held as they are now. */
const withSponsorsHeld = <R extends ShardClaimResult>(answer: R, sponsorsHeld: string[]): R =>
  answer.status === "won" ? { ...answer, sponsorsHeld } : answer;

export class Claims {
  #sql: SqlStorage;
  #stock: Stock;
  #windows: PhaseWindows;
  #pacing: PoolPacing;
  #horizonMs: number;
  /** Per phase, who of its recent candidates may take each sponsor (memory only: an estimate that starts again after eviction). */
  #eligibility = new Map<string, EligibilityTally>();

  constructor(sql: SqlStorage, stock: Stock, windows: PhaseWindows, pacing: PoolPacing, horizonMs: number) {
    this.#sql = sql;
    this.#horizonMs = horizonMs;
    this.#stock = stock;
    this.#windows = windows;
    this.#pacing = pacing;
    sql.exec(SCHEMA);
    // Claims recorded before limits were counted per gala have the gala '' (they count together as one earlier gala).
    const columns = sql.exec<{ name: string }>("SELECT name FROM pragma_table_info('claims')").toArray();
    if (!columns.some((c) => c.name === "gala_id")) sql.exec("ALTER TABLE claims ADD COLUMN gala_id TEXT NOT NULL DEFAULT ''");
    // Claims recorded before the merge by issue order are final.
    if (!columns.some((c) => c.name === "final_at")) sql.exec("ALTER TABLE claims ADD COLUMN final_at INTEGER NOT NULL DEFAULT 0");
  }

  /**
   * The person's claims as the request needs them, read in one statement. A won claim of this
   * request id answers its retries in any gala (a request id names one shake); the limits count
   * only the claims of the request's gala, merged with `signedSponsorsHeld` (edge-lease wins
   * this shard may not have recorded yet) when given.
   */
  user({ userId, requestId, galaId }: UserRequest, signedSponsorsHeld?: readonly string[]): UserClaims {
    const rows = this.#sql
      .exec<Row>(
        `SELECT request_id, claim_id, phase_id, sponsor_id, amount, NULL AS result, gala_id FROM claims WHERE user_id = ?1 AND (gala_id = ?3 OR request_id = ?2)
         UNION ALL
         SELECT request_id, NULL, NULL, NULL, NULL, result, NULL FROM requests WHERE user_id = ?1 AND request_id = ?2`,
        userId,
        requestId,
        galaId,
      )
      .toArray();
    const recorded = rows.flatMap((row) => (row.claim_id === null || row.gala_id !== galaId ? [] : [row.sponsor_id ?? ""]));
    const earlier = rows.find((row) => row.request_id === requestId);
    return {
      sponsorsHeld: signedSponsorsHeld ? mergeSponsorsHeld(recorded, signedSponsorsHeld) : recorded,
      answered: earlier ? answerOf(earlier) : null,
    };
  }

  /** Writes one claim: the only INSERT into `claims`. */
  record(claim: ClaimRecord): void {
    this.#sql.exec(
      `INSERT INTO claims (claim_id, envelope_id, user_id, request_id, pool_id, phase_id, sponsor_id, amount, claimed_at, gala_id, final_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      claim.claimId,
      claim.envelopeId,
      claim.userId,
      claim.requestId,
      claim.poolId,
      claim.phaseId,
      claim.sponsorId,
      claim.amountCents,
      claim.claimedAt,
      claim.galaId,
      claim.finalAt,
    );
  }

  /** The person's claims in a gala, in the terms of the merge by issue order. */
  heldInGala(userId: string, galaId: string): HeldClaim[] {
    return this.#sql
      .exec<{ claim_id: string; sponsor_id: string; claimed_at: number; final_at: number }>(
        "SELECT claim_id, sponsor_id, claimed_at, final_at FROM claims WHERE user_id = ? AND gala_id = ?",
        userId,
        galaId,
      )
      .toArray()
      .map((r) => ({ claimId: r.claim_id, sponsorId: r.sponsor_id, issuedAt: r.claimed_at, finalAt: r.final_at }));
  }

  /** When each claim of the phase that is not final at `now` becomes final. */
  notFinal(phaseId: string, now: number): number[] {
    return this.#sql
      .exec<{ final_at: number }>("SELECT final_at FROM claims WHERE phase_id = ? AND final_at > ?", phaseId, now)
      .toArray()
      .map((r) => r.final_at);
  }

  /** Takes a claim that is not final out of `claims` (displaced by an earlier-issued one); returns what it held. */
  displace(claimId: string, now: number): { envelopeId: string; poolId: string; amount: number; userId: string; requestId: string } {
    const row = this.#sql
      .exec<{ envelope_id: string; pool_id: string; amount: number; user_id: string; request_id: string }>(
        "DELETE FROM claims WHERE claim_id = ? AND final_at > ? RETURNING envelope_id, pool_id, amount, user_id, request_id",
        claimId,
        now,
      )
      .one();
    return { envelopeId: row.envelope_id, poolId: row.pool_id, amount: row.amount, userId: row.user_id, requestId: row.request_id };
  }

  /**
   * When a claim issued now becomes final: at once, unless a lease of this shard may still
   * report an earlier-issued claim (one was live within the merge horizon), then after it.
   */
  #finalAt(now: number): number {
    const live = this.#sql.exec("SELECT 1 FROM leases WHERE expires_at > ? LIMIT 1", now - this.#horizonMs).toArray().length > 0;
    return live ? now + this.#horizonMs : now;
  }

  /**
   * A candidate's claim under issuance pacing (with a window): only pools that have not
   * issued their allowance yet are offered, and the answer is `paced` (no envelope; kept for
   * retries) when every pool the person may take is at its allowance. A request id that
   * already has an answer gets that answer.
   */
  claimPaced(request: PacedClaimRequest, now: number): ShardClaimResult {
    const headroom = request.window ? this.#pacing.headroom(request.phaseId, request.window, now) : null;
    const { sponsorsHeld, answered } = this.user(request, request.signedSponsorsHeld);
    if (answered) return withSponsorsHeld(answered, sponsorsHeld);
    const result = this.#decide(request, sponsorsHeld, headroom, now);
    if (result.status === "none") this.#remember(request, result);
    return result.status === "won" ? { ...result, sponsorsHeld: [...sponsorsHeld, result.claim.sponsorId] } : result;
  }

  /** The envelope an earlier request of this id won, with the person's sponsors held now; null when it won none here. */
  earlierWin(request: UserRequest): WonResult | null {
    const { sponsorsHeld, answered } = this.user(request);
    return answered?.status === "won" ? withSponsorsHeld(answered, sponsorsHeld) : null;
  }

  /** The pool of one of the person's claims, or null when they hold no such claim. */
  poolOf(userId: string, claimId: string): string | null {
    const row = this.#sql
      .exec<{ pool_id: string }>("SELECT pool_id FROM claims WHERE claim_id = ? AND user_id = ?", claimId, userId)
      .toArray()[0];
    return row?.pool_id ?? null;
  }

  /** The claim id that won this request id, when one did. */
  claimOfRequest(userId: string, requestId: string): string | null {
    const row = this.#sql
      .exec<{ claim_id: string }>("SELECT claim_id FROM claims WHERE user_id = ? AND request_id = ?", userId, requestId)
      .toArray()[0];
    return row?.claim_id ?? null;
  }

  /** Hands the person one envelope of the phase from a sponsor the limits allow, of a pool under its allowance (`headroom`, when paced). */
  #decide(
    request: ShardClaimRequest,
    sponsorsHeld: readonly string[],
    headroom: Map<string, number> | null,
    now: number,
  ): ShardClaimResult {
    if (!this.#windows.open(request.phaseId, now)) return { status: "none", reason: "closed" };
    if (!mayTake(sponsorsHeld)) return { status: "none", reason: "limit" };
    const stocked = this.#stock.stocked(request.phaseId);
    if (stocked.length === 0) return { status: "none", reason: "empty" };
    const allowed = stocked.filter((pool) => mayTake(sponsorsHeld, pool.sponsorId));
    const tally = this.#tally(request.phaseId);
    tally.record(sponsorsHeld);
    const eligible = headroom ? allowed.filter((pool) => (headroom.get(pool.poolId) ?? 0) > 0) : allowed;
    if (allowed.length > 0 && eligible.length === 0) return { status: "none", reason: "paced" };
    const weights = planWeights(
      eligible.map((pool) => ({ ...pool, headroom: headroom?.get(pool.poolId) ?? null })),
      (sponsorId) => tally.share(sponsorId),
    );
    while (eligible.length > 0) {
      const i = weightedIndex(weights, Math.random());
      const [pool] = eligible.splice(i, 1);
      weights.splice(i, 1);
      const envelope = this.#stock.take(request.phaseId, pool.poolId);
      if (!envelope) continue;
      this.#pacing.issued(request.phaseId, pool.poolId, 1);
      const claimId = crypto.randomUUID();
      const { userId, requestId, phaseId, galaId } = request;
      const { sponsorId, poolId } = pool;
      this.record({
        claimId,
        envelopeId: envelope.envelopeId,
        userId,
        requestId,
        poolId,
        phaseId,
        sponsorId,
        amountCents: envelope.amount,
        claimedAt: now,
        galaId,
        finalAt: this.#finalAt(now),
      });
      return { status: "won", claim: { claimId, phaseId, sponsorId, amountCents: envelope.amount } };
    }
    const limited = this.#stock.stocked(request.phaseId).length > 0;
    return { status: "none", reason: limited ? "limit" : "empty" };
  }

  #tally(phaseId: string): EligibilityTally {
    let tally = this.#eligibility.get(phaseId);
    if (!tally) this.#eligibility.set(phaseId, (tally = new EligibilityTally()));
    return tally;
  }

  /** Keeps an answer that won nothing, for retries of its request id (a won claim is its own record). */
  #remember(request: UserRequest, result: ShardClaimResult): void {
    this.#sql.exec(
      "INSERT INTO requests (user_id, request_id, result) VALUES (?, ?, ?)",
      request.userId,
      request.requestId,
      JSON.stringify(result),
    );
  }
}

function answerOf(row: Row): ShardClaimResult {
  if (row.result !== null) return JSON.parse(row.result) as ShardClaimResult;
  return {
    status: "won",
    claim: { claimId: row.claim_id ?? "", phaseId: row.phase_id ?? "", sponsorId: row.sponsor_id ?? "", amountCents: row.amount ?? 0 },
  };
}
