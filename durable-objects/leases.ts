/**
 * A pool shard's edge leases (docs/money-flow.md, "Edge leases"): blocks of a phase's
 * envelopes lent to one edge isolate, which answers wins from them with no call and reports
 * the claims afterwards. Plain functions over the shard's SQLite storage, run inside its
 * transactions.
 *
 * An envelope is in exactly one place: `envelopes` (stock), `leased_envelopes` (lent,
 * unreported), or `claims`. Recording a leased claim moves its envelope from the lease to
 * `claims`, exactly once per claim id, with the per-person limits checked here, exactly; a
 * claim that breaks one (or repeats a request id that already won) is voided and its envelope
 * goes back to stock. Envelopes an isolate hands back, and those of a lease whose claims can
 * no longer be presented (`return_after`), go back to stock too.
 */
import { MAX_ENVELOPES_PER_USER, MAX_ENVELOPES_PER_USER_SPONSOR } from "../src/domain/audit";
import { shuffled } from "../src/domain/random";
import type { LeasedClaim, LeasedEnvelope, LeaseGrant, RecordOutcome, ShardLeaseFigures, VoidReason } from "../src/wire/rpc";
import type { PoolRef } from "./phase-pools";
import { readUserClaims } from "./user-claims";

export const LEASES_SCHEMA = `
CREATE TABLE IF NOT EXISTS leases (
  lease_id TEXT PRIMARY KEY,
  phase_id TEXT NOT NULL,
  isolate_id TEXT NOT NULL,
  granted_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  return_after INTEGER NOT NULL,
  returned_at INTEGER
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS leased_envelopes (
  envelope_id TEXT PRIMARY KEY,
  lease_id TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS leased_envelopes_lease ON leased_envelopes(lease_id);
CREATE TABLE IF NOT EXISTS voided_claims (
  claim_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  voided_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lease_counters (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
`;

export interface LeaseTerms {
  leaseId: string;
  phaseId: string;
  isolateId: string;
  count: number;
  now: number;
  expiresAt: number;
  /** How long after expiry a claim of the lease may still be presented. */
  presentMs: number;
}

function bump(sql: SqlStorage, name: "calls" | "recorded", by: number): void {
  if (by === 0) return;
  sql.exec("INSERT INTO lease_counters (name, n) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET n = n + excluded.n", name, by);
}

export function countCall(sql: SqlStorage): void {
  bump(sql, "calls", 1);
}

/**
 * Lends up to `count` envelopes of the phase's stocked pools, shared among the pools by
 * what each has left, in random order; null when the phase has none here. Lowers the
 * `remaining` of the refs it is given (the shard's in-memory directory, phase-pools.ts).
 */
export function grantLease(sql: SqlStorage, stocked: readonly PoolRef[], terms: LeaseTerms): LeaseGrant | null {
  const total = stocked.reduce((n, p) => n + p.remaining, 0);
  if (total === 0 || terms.count <= 0) return null;
  const want = Math.min(terms.count, total);
  const envelopes: LeasedEnvelope[] = [];
  for (const pool of stocked) {
    const share = Math.min(pool.remaining, Math.max(1, Math.round((want * pool.remaining) / total)));
    const rows = sql
      .exec<{ envelope_id: string; amount: number }>(
        `DELETE FROM envelopes WHERE rowid IN (SELECT rowid FROM envelopes WHERE pool_id = ? LIMIT ?) RETURNING envelope_id, amount`,
        pool.poolId,
        Math.min(share, want - envelopes.length),
      )
      .toArray();
    pool.remaining -= rows.length;
    for (const row of rows) {
      sql.exec(
        "INSERT INTO leased_envelopes (envelope_id, lease_id, pool_id, amount) VALUES (?, ?, ?, ?)",
        row.envelope_id,
        terms.leaseId,
        pool.poolId,
        row.amount,
      );
      envelopes.push({ envelopeId: row.envelope_id, poolId: pool.poolId, sponsorId: pool.sponsorId, amountCents: row.amount });
    }
    if (envelopes.length >= want) break;
  }
  if (envelopes.length === 0) return null;
  sql.exec(
    `INSERT INTO leases (lease_id, phase_id, isolate_id, granted_at, expires_at, return_after) VALUES (?, ?, ?, ?, ?, ?)`,
    terms.leaseId,
    terms.phaseId,
    terms.isolateId,
    terms.now,
    terms.expiresAt,
    terms.expiresAt + terms.presentMs,
  );
  return { leaseId: terms.leaseId, phaseId: terms.phaseId, shard: -1, expiresAt: terms.expiresAt, envelopes: shuffled(envelopes) };
}

/** Told how many envelopes of a pool went back to stock, so in-memory counts follow. */
export type Restock = (poolId: string, count: number) => void;

/** Moves lent envelopes back to stock (those matching `where`), marking leases left empty returned. */
function backToStock(sql: SqlStorage, restock: Restock, where: string, args: SqlStorageValue[], now: number): number {
  const rows = sql
    .exec<{ lease_id: string }>(`DELETE FROM leased_envelopes WHERE ${where} RETURNING lease_id, envelope_id, pool_id, amount`, ...args)
    .toArray() as unknown as { lease_id: string; envelope_id: string; pool_id: string; amount: number }[];
  for (const row of rows) {
    sql.exec("INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)", row.envelope_id, row.pool_id, row.amount);
    restock(row.pool_id, 1);
  }
  for (const leaseId of new Set(rows.map((r) => r.lease_id))) {
    sql.exec(
      `UPDATE leases SET returned_at = ? WHERE lease_id = ? AND returned_at IS NULL
         AND NOT EXISTS (SELECT 1 FROM leased_envelopes WHERE lease_id = ?)`,
      now,
      leaseId,
      leaseId,
    );
  }
  return rows.length;
}

/** Envelopes an isolate will not issue (its lease ran out at the edge) go back to stock. */
export function returnUnused(sql: SqlStorage, restock: Restock, leaseId: string, envelopeIds: readonly string[], now: number): number {
  return backToStock(
    sql,
    restock,
    "lease_id = ? AND envelope_id IN (SELECT value FROM json_each(?))",
    [leaseId, JSON.stringify(envelopeIds)],
    now,
  );
}

/** Envelopes of leases past their presentation deadline go back to stock; returns how many. */
export function returnOverdue(sql: SqlStorage, restock: Restock, now: number): number {
  return backToStock(sql, restock, "lease_id IN (SELECT lease_id FROM leases WHERE return_after <= ? AND returned_at IS NULL)", [now], now);
}

function voidClaim(
  sql: SqlStorage,
  restock: Restock,
  claim: LeasedClaim,
  reason: VoidReason,
  now: number,
  returnEnvelope: boolean,
): RecordOutcome {
  if (returnEnvelope) backToStock(sql, restock, "envelope_id = ? AND lease_id = ?", [claim.envelopeId, claim.leaseId], now);
  sql.exec(
    `INSERT INTO voided_claims (claim_id, user_id, request_id, lease_id, envelope_id, reason, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    claim.claimId,
    claim.userId,
    claim.requestId,
    claim.leaseId,
    claim.envelopeId,
    reason,
    now,
  );
  return { claimId: claim.claimId, status: "voided", reason };
}

/** Records one leased claim exactly once (a repeat answers as the first did). */
function recordClaim(sql: SqlStorage, restock: Restock, claim: LeasedClaim, now: number): RecordOutcome {
  const known = sql
    .exec<{ known: number | null; voided: VoidReason | null; expires_at: number | null }>(
      `SELECT (SELECT 1 FROM claims WHERE claim_id = ?1) AS known,
              (SELECT reason FROM voided_claims WHERE claim_id = ?1) AS voided,
              (SELECT l.expires_at FROM leased_envelopes e JOIN leases l ON l.lease_id = e.lease_id
                WHERE e.envelope_id = ?2 AND e.lease_id = ?3) AS expires_at`,
      claim.claimId,
      claim.envelopeId,
      claim.leaseId,
    )
    .one();
  if (known.known !== null) return { claimId: claim.claimId, status: "recorded" };
  if (known.voided !== null) return { claimId: claim.claimId, status: "voided", reason: known.voided };
  // The lease no longer holds the envelope: it went back to stock after the deadline.
  if (known.expires_at === null) return voidClaim(sql, restock, claim, "late", now, false);
  if (claim.issuedAt > known.expires_at) return voidClaim(sql, restock, claim, "expired", now, true);
  const { held, answered } = readUserClaims(sql, claim);
  if (answered?.status === "won") return voidClaim(sql, restock, claim, "request", now, true);
  const fromSponsor = held.filter((s) => s === claim.sponsorId).length;
  if (held.length >= MAX_ENVELOPES_PER_USER || fromSponsor >= MAX_ENVELOPES_PER_USER_SPONSOR) {
    return voidClaim(sql, restock, claim, "limit", now, true);
  }
  sql.exec("DELETE FROM leased_envelopes WHERE envelope_id = ?", claim.envelopeId);
  sql.exec(
    `INSERT INTO claims (claim_id, envelope_id, user_id, request_id, pool_id, phase_id, sponsor_id, amount, claimed_at, gala_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    claim.claimId,
    claim.envelopeId,
    claim.userId,
    claim.requestId,
    claim.poolId,
    claim.phaseId,
    claim.sponsorId,
    claim.amountCents,
    claim.issuedAt,
    claim.galaId,
  );
  return { claimId: claim.claimId, status: "recorded" };
}

/** Records a batch of leased claims, each exactly once, in order. */
export function recordClaims(sql: SqlStorage, restock: Restock, claims: readonly LeasedClaim[], now: number): RecordOutcome[] {
  const outcomes = claims.map((claim) => recordClaim(sql, restock, claim, now));
  bump(sql, "recorded", outcomes.filter((o) => o.status === "recorded").length);
  return outcomes;
}

/** Why a claim id of this user was voided, or null. */
export function voidedClaim(sql: SqlStorage, userId: string, claimId: string): { reason: VoidReason; requestId: string } | null {
  const row = sql
    .exec<{ reason: VoidReason; request_id: string }>(
      "SELECT reason, request_id FROM voided_claims WHERE claim_id = ? AND user_id = ?",
      claimId,
      userId,
    )
    .toArray()[0];
  return row ? { reason: row.reason, requestId: row.request_id } : null;
}

/** The claim id that won this request id, when one did. */
export function claimOfRequest(sql: SqlStorage, userId: string, requestId: string): string | null {
  const row = sql
    .exec<{ claim_id: string }>("SELECT claim_id FROM claims WHERE user_id = ? AND request_id = ?", userId, requestId)
    .toArray()[0];
  return row?.claim_id ?? null;
}

/** Leased envelopes per pool (lent, unreported). */
export function leasedByPool(sql: SqlStorage): Map<string, { count: number; cents: number }> {
  const rows = sql.exec<{ pool_id: string; n: number; cents: number }>(
    "SELECT pool_id, COUNT(*) AS n, SUM(amount) AS cents FROM leased_envelopes GROUP BY pool_id",
  );
  return new Map([...rows].map((r) => [r.pool_id, { count: r.n, cents: r.cents }]));
}

/** Leases still holding envelopes, with what they hold. */
export function outstandingLeases(sql: SqlStorage): ShardLeaseFigures[] {
  return sql
    .exec<{ lease_id: string; phase_id: string; return_after: number; n: number; cents: number }>(
      `SELECT l.lease_id, l.phase_id, l.return_after, COUNT(*) AS n, SUM(e.amount) AS cents
         FROM leased_envelopes e JOIN leases l ON l.lease_id = e.lease_id GROUP BY l.lease_id`,
    )
    .toArray()
    .map((r) => ({ leaseId: r.lease_id, phaseId: r.phase_id, returnAfter: r.return_after, count: r.n, cents: r.cents }));
}

export function leaseCounters(sql: SqlStorage): { calls: number; recorded: number; voided: number } {
  const counters = new Map(
    sql
      .exec<{ name: string; n: number }>("SELECT name, n FROM lease_counters")
      .toArray()
      .map((r) => [r.name, r.n]),
  );
  const voided = sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM voided_claims").one().n;
  return { calls: counters.get("calls") ?? 0, recorded: counters.get("recorded") ?? 0, voided };
}

/** Envelopes lent more than once, or lent while also in stock or claimed (always 0 unless broken). */
export const LEASE_DUPLICATES_SQL = `SELECT
  (SELECT COUNT(*) FROM leased_envelopes e JOIN envelopes s ON s.envelope_id = e.envelope_id) +
  (SELECT COUNT(*) FROM leased_envelopes e JOIN claims c ON c.envelope_id = e.envelope_id) AS v`;
