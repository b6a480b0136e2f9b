/**
 * Settlement state of a shard's claims (`claim_state`, its only writer), kept beside (not
 * inside) the `claims` table so the claim hot path stays untouched: a claim with no
 * `claim_state` row is unopened and not yet enqueued. The pool shard calls these functions
 * inside its own transactions; settlement-outbox.ts sends the claims they hand out.
 *
 * Lifecycle of a row: opened_at (owner opened it) → enqueued_at (a settlement message is on
 * the queue; also set by the phase-close sweep) → settled_at (the consumer wrote the ledger),
 * or dead_at (the message ended in the dead-letter queue; a requeue clears it). A claim is
 * sent only once it is final (`claims.final_at`, src/domain/merge-order.ts): until then an
 * earlier-issued claim of its owner may displace it, and `forget` drops its row.
 *
 * Every periodic read (the audit, the repairs' resend and requeue) goes through the
 * pending-only index `claim_state_pending`; the claims never sent at all are found from the
 * running totals (totals.ts: issued > sent) before any claim row is read.
 */
import type { PendingClaim, SettlementClaim } from "../../src/wire/index";
import type { InFlightPage, OpenedClaim, ShardSettlementFigures, ShardUserClaim } from "../../src/wire/rpc";
import { poolTotals, poolsWithUnsent } from "./totals";

export const CLAIM_STATE_SCHEMA = `
CREATE TABLE IF NOT EXISTS claim_state (
  claim_id TEXT PRIMARY KEY,
  opened_at INTEGER,
  enqueued_at INTEGER,
  settled_at INTEGER,
  dead_at INTEGER
) WITHOUT ROWID;
-- The claims in motion: rows leave it when their claim settles, so what reads it costs the
-- money in motion, not the history.
CREATE INDEX IF NOT EXISTS claim_state_pending ON claim_state(claim_id) WHERE settled_at IS NULL;
`;

/** How many claims one sweep, requeue, repair or audit page returns at most. */
const CLAIM_PAGE = 500;

const CLAIM_COLUMNS = `c.claim_id AS claimId, c.user_id AS userId, c.pool_id AS poolId, c.phase_id AS phaseId,
  c.sponsor_id AS sponsorId, c.amount AS amountCents, c.claimed_at AS claimedAt`;
const PENDING_COLUMNS = `${CLAIM_COLUMNS}, s.opened_at AS openedAt, s.enqueued_at AS enqueuedAt, s.dead_at AS deadAt`;

type Row = Record<string, SqlStorageValue>;
const rows = <T>(cursor: SqlStorageCursor<Row>) => cursor.toArray() as unknown as T[];

/** Marks the user's claim opened (first time wins); null if the user holds no such claim. */
export function openClaim(sql: SqlStorage, userId: string, claimId: string, now: number): Omit<OpenedClaim, "status"> | null {
  const claim = rows<SettlementClaim>(
    sql.exec(`SELECT ${CLAIM_COLUMNS} FROM claims c WHERE c.claim_id = ? AND c.user_id = ?`, claimId, userId),
  )[0];
  if (!claim) return null;
  sql.exec(
    `INSERT INTO claim_state (claim_id, opened_at) VALUES (?, ?)
     ON CONFLICT (claim_id) DO UPDATE SET opened_at = COALESCE(opened_at, excluded.opened_at)`,
    claimId,
    now,
  );
  const state = sql
    .exec<{ opened_at: number; enqueued_at: number | null; settled_at: number | null }>(
      "SELECT opened_at, enqueued_at, settled_at FROM claim_state WHERE claim_id = ?",
      claimId,
    )
    .one();
  return { claim, openedAt: state.opened_at, enqueued: state.enqueued_at !== null || state.settled_at !== null };
}

function upsertState(sql: SqlStorage, column: string, onConflict: string, claimIds: readonly string[], now: number): void {
  sql.exec(
    `INSERT INTO claim_state (claim_id, ${column}) SELECT value, ? FROM json_each(?)
       WHERE value IN (SELECT claim_id FROM claims)
     ON CONFLICT (claim_id) DO UPDATE SET ${onConflict}`,
    now,
    JSON.stringify(claimIds),
  );
}

const OPENED_UNENQUEUED = "s.opened_at IS NOT NULL AND s.enqueued_at IS NULL AND s.settled_at IS NULL AND s.dead_at IS NULL";

/** Opened claims, final by `now`, whose settlement has not been sent yet (one page), for the shard's outbox. */
export function openedUnenqueued(sql: SqlStorage, now: number): SettlementClaim[] {
  return rows<SettlementClaim>(
    sql.exec(
      `SELECT ${CLAIM_COLUMNS} FROM claim_state s JOIN claims c ON c.claim_id = s.claim_id
        WHERE ${OPENED_UNENQUEUED} AND c.final_at <= ? LIMIT ${CLAIM_PAGE}`,
      now,
    ),
  );
}

/** When the next opened, unsent claim that is not final at `now` becomes final (the outbox waits for it); null when none waits. */
export function nextFinalAt(sql: SqlStorage, now: number): number | null {
  return sql
    .exec<{ at: number | null }>(
      `SELECT MIN(c.final_at) AS at FROM claim_state s JOIN claims c ON c.claim_id = s.claim_id WHERE ${OPENED_UNENQUEUED} AND c.final_at > ?`,
      now,
    )
    .one().at;
}

/** Drops the settlement state of claims displaced before they were final (none of them was ever sent). */
export function forget(sql: SqlStorage, claimIds: readonly string[]): void {
  sql.exec("DELETE FROM claim_state WHERE claim_id IN (SELECT value FROM json_each(?))", JSON.stringify(claimIds));
}

/** Records that settlement messages for these claims are on the queue (clears dead letters). */
export function markEnqueued(sql: SqlStorage, claimIds: readonly string[], now: number): void {
  upsertState(sql, "enqueued_at", "enqueued_at = excluded.enqueued_at, dead_at = NULL", claimIds, now);
}

/** Records the consumer's confirmation that these claims are in the ledger. */
export function markSettled(sql: SqlStorage, claimIds: readonly string[], now: number): void {
  upsertState(sql, "settled_at", "settled_at = COALESCE(settled_at, excluded.settled_at), dead_at = NULL", claimIds, now);
}

/** Records that these claims' messages were dead-lettered, unless they have settled meanwhile. */
export function markDead(sql: SqlStorage, claimIds: readonly string[], now: number): void {
  upsertState(sql, "dead_at", "dead_at = CASE WHEN settled_at IS NULL THEN excluded.dead_at END", claimIds, now);
}

const toPending =
  (shard: number) =>
  (claim: Omit<PendingClaim, "shard">): PendingClaim => ({ ...claim, shard });

/** Claims in motion (opened, sent or dead-lettered, not settled), read through the pending-only index. */
function pendingClaims(sql: SqlStorage, shard: number, where: string, order: string, ...bindings: SqlStorageValue[]): PendingClaim[] {
  return rows<Omit<PendingClaim, "shard">>(
    sql.exec(
      `SELECT ${PENDING_COLUMNS} FROM claim_state s INDEXED BY claim_state_pending JOIN claims c ON c.claim_id = s.claim_id
       WHERE s.settled_at IS NULL AND ${where} ORDER BY ${order} LIMIT ${CLAIM_PAGE}`,
      ...bindings,
    ),
  ).map(toPending(shard));
}

/**
 * Unsettled claims of these phases, final by `now`, never enqueued (opened or not): what the
 * phase-close sweep sends. Only pools whose totals say some claim was never sent are read at all.
 */
export function unenqueuedClaims(sql: SqlStorage, shard: number, phaseIds: readonly string[], now: number): PendingClaim[] {
  const phasePools = sql
    .exec<{ pool_id: string }>("SELECT pool_id FROM pools WHERE phase_id IN (SELECT value FROM json_each(?))", JSON.stringify(phaseIds))
    .toArray()
    .map((r) => r.pool_id);
  const unsent = poolsWithUnsent(sql, phasePools);
  if (unsent.length === 0) return [];
  return rows<Omit<PendingClaim, "shard">>(
    sql.exec(
      `SELECT ${PENDING_COLUMNS} FROM claims c LEFT JOIN claim_state s ON s.claim_id = c.claim_id
        WHERE s.settled_at IS NULL AND s.enqueued_at IS NULL AND s.dead_at IS NULL AND c.final_at <= ?
          AND c.pool_id IN (SELECT value FROM json_each(?))
        ORDER BY c.claimed_at LIMIT ${CLAIM_PAGE}`,
      now,
      JSON.stringify(unsent),
    ),
  ).map(toPending(shard));
}

/** Claims whose settlement message was dead-lettered and that have not settled since. */
export function deadClaims(sql: SqlStorage, shard: number): PendingClaim[] {
  return pendingClaims(sql, shard, "s.dead_at IS NOT NULL", "s.dead_at");
}

/**
 * Claims opened, sent or dead-lettered before `before` that have not settled: a message lost
 * on the way, one never sent (the worker died before its send after the open answered), or
 * one still failing. The repair sends them again; an opened claim only once it is final.
 */
export function staleClaims(sql: SqlStorage, shard: number, before: number): PendingClaim[] {
  return pendingClaims(
    sql,
    shard,
    "(s.enqueued_at < ? OR s.dead_at < ? OR (s.enqueued_at IS NULL AND s.opened_at < ? AND c.final_at <= ?))",
    "COALESCE(s.enqueued_at, s.dead_at, s.opened_at)",
    before,
    before,
    before,
    before,
  );
}

/** One page of opened, enqueued or dead-lettered, unconfirmed claims after claim id `after` (the audit pages through all). */
export function inFlightPage(sql: SqlStorage, shard: number, after: string | null): InFlightPage {
  const claims = pendingClaims(
    sql,
    shard,
    "(s.enqueued_at IS NOT NULL OR s.dead_at IS NOT NULL OR s.opened_at IS NOT NULL) AND s.claim_id > ?",
    "s.claim_id",
    after ?? "",
  );
  return { claims, next: claims.length === CLAIM_PAGE ? claims[claims.length - 1].claimId : null };
}

/** All claims of one user with their settlement state (at most a handful per gala). */
export function userClaims(sql: SqlStorage, userId: string): ShardUserClaim[] {
  return rows<ShardUserClaim>(
    sql.exec(
      `SELECT ${CLAIM_COLUMNS}, s.opened_at AS openedAt, s.settled_at AS settledAt
       FROM claims c LEFT JOIN claim_state s ON s.claim_id = c.claim_id
       WHERE c.user_id = ? ORDER BY c.claimed_at`,
      userId,
    ),
  );
}

/** Money in motion on this shard, from its totals (issued − settled per pool); `endedPhaseIds` are phases whose (final) claims should be enqueued by `now`. */
export function settlementFigures(
  sql: SqlStorage,
  shard: number,
  endedPhaseIds: readonly string[],
  now: number,
): Omit<ShardSettlementFigures, "inFlight"> {
  const unconfirmed = [...poolTotals(sql).values()]
    .map(({ poolId, totals: { issued, settled } }) => ({
      poolId,
      count: issued.count - settled.count,
      cents: issued.cents - settled.cents,
    }))
    .filter((p) => p.count !== 0 || p.cents !== 0);
  return {
    shard,
    unconfirmed,
    stranded: unenqueuedClaims(sql, shard, endedPhaseIds, now),
  };
}
