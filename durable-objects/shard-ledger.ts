/**
 * The pool shard's live-show tables, as plain functions over its SQLite storage, called by
 * PoolShard inside its transactions:
 * - phase windows the shard enforces itself (claims only on [startsAt, endsAt)),
 * - the move ledger: envelopes taken out for a move and received from one, each keyed by
 *   move id so a retried step returns what the first attempt did and never moves twice,
 * - shake counts flushed by edge isolates, for the operator console.
 */
import type {
  PhaseWindow,
  ShakeCount,
  ShardMoveFigures,
  ShardPhaseStats,
  ShardReceive,
} from "../src/wire";

export const LEDGER_SCHEMA = `
CREATE TABLE IF NOT EXISTS phase_windows (
  phase_id TEXT PRIMARY KEY,
  starts_at INTEGER NOT NULL,
  ends_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS moves_out (
  move_id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL,
  amounts TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS moves_in (
  move_id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS shake_counts (
  phase_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  shakes INTEGER NOT NULL,
  candidates INTEGER NOT NULL,
  PRIMARY KEY (phase_id, bucket)
) WITHOUT ROWID;
`;

/** Shake rates are averaged over this window. */
export const STATS_RATE_WINDOW_MS = 30_000;

export type Windows = Map<string, PhaseWindow>;

export function loadWindows(sql: SqlStorage): Windows {
  const windows: Windows = new Map();
  for (const row of sql.exec<{ phase_id: string; starts_at: number; ends_at: number }>("SELECT * FROM phase_windows")) {
    windows.set(row.phase_id, { phaseId: row.phase_id, startsAt: row.starts_at, endsAt: row.ends_at });
  }
  return windows;
}

/** A phase with no armed window is left to the edge's decision (pools loaded before arming). */
export function windowOpen(windows: Windows, phaseId: string, now: number): boolean {
  const window = windows.get(phaseId);
  return !window || (window.startsAt <= now && now < window.endsAt);
}

/** Replaces the armed windows; returns the pools this shard holds, for readiness checks. */
export function armWindows(sql: SqlStorage, windows: readonly PhaseWindow[]): string[] {
  sql.exec("DELETE FROM phase_windows");
  for (const w of windows) {
    sql.exec("INSERT INTO phase_windows (phase_id, starts_at, ends_at) VALUES (?, ?, ?)", w.phaseId, w.startsAt, w.endsAt);
  }
  return sql
    .exec<{ pool_id: string }>("SELECT pool_id FROM pools")
    .toArray()
    .map((row) => row.pool_id);
}

/** Takes up to `limit` (null: all) remaining envelopes of a pool out for a move, once. */
export function takeEnvelopes(sql: SqlStorage, moveId: string, poolId: string, limit: number | null): number[] {
  const done = sql.exec<{ amounts: string }>("SELECT amounts FROM moves_out WHERE move_id = ?", moveId).toArray()[0];
  if (done) return JSON.parse(done.amounts) as number[];
  const rows = sql
    .exec<{ envelope_id: string; amount: number }>(
      "SELECT envelope_id, amount FROM envelopes WHERE pool_id = ? ORDER BY envelope_id LIMIT ?",
      poolId,
      limit ?? -1,
    )
    .toArray();
  for (const row of rows) sql.exec("DELETE FROM envelopes WHERE envelope_id = ?", row.envelope_id);
  const amounts = rows.map((row) => row.amount);
  sql.exec(
    "INSERT INTO moves_out (move_id, pool_id, count, cents, amounts) VALUES (?, ?, ?, ?, ?)",
    moveId,
    poolId,
    amounts.length,
    amounts.reduce((a, b) => a + b, 0),
    JSON.stringify(amounts),
  );
  return amounts;
}

/** Receives a move's envelopes into a pool (creating the pool's row here if needed), once. */
export function receiveEnvelopes(sql: SqlStorage, receive: ShardReceive): void {
  if (sql.exec("SELECT 1 FROM moves_in WHERE move_id = ?", receive.moveId).toArray().length > 0) return;
  sql.exec(
    `INSERT OR IGNORE INTO pools (pool_id, phase_id, sponsor_id, loaded_count, loaded_cents) VALUES (?, ?, ?, 0, 0)`,
    receive.poolId,
    receive.phaseId,
    receive.sponsorId,
  );
  receive.amounts.forEach((amount, k) => {
    sql.exec(
      "INSERT INTO envelopes (envelope_id, pool_id, amount) VALUES (?, ?, ?)",
      `${receive.moveId}:${k}`,
      receive.poolId,
      amount,
    );
  });
  sql.exec(
    "INSERT INTO moves_in (move_id, pool_id, count, cents) VALUES (?, ?, ?, ?)",
    receive.moveId,
    receive.poolId,
    receive.amounts.length,
    receive.amounts.reduce((a, b) => a + b, 0),
  );
}

export function moveFigures(sql: SqlStorage): ShardMoveFigures[] {
  return sql
    .exec<ShardMoveFigures & Record<string, SqlStorageValue>>(
      `SELECT move_id AS moveId, pool_id AS poolId, SUM(oc) AS outCount, SUM(oc2) AS outCents,
              SUM(ic) AS inCount, SUM(ic2) AS inCents
         FROM (SELECT move_id, pool_id, count AS oc, cents AS oc2, 0 AS ic, 0 AS ic2 FROM moves_out
               UNION ALL
               SELECT move_id, pool_id, 0, 0, count, cents FROM moves_in)
        GROUP BY move_id, pool_id`,
    )
    .toArray();
}

/** Remaining envelopes per pool of a phase, for rebalancing. */
export function phaseStock(sql: SqlStorage, phaseId: string): { poolId: string; count: number }[] {
  return sql
    .exec<{ poolId: string; count: number }>(
      `SELECT p.pool_id AS poolId, COUNT(e.envelope_id) AS count FROM pools p
         LEFT JOIN envelopes e ON e.pool_id = p.pool_id
        WHERE p.phase_id = ? GROUP BY p.pool_id`,
      phaseId,
    )
    .toArray();
}

export function recordShakes(sql: SqlStorage, counts: readonly ShakeCount[]): void {
  for (const c of counts) {
    sql.exec(
      `INSERT INTO shake_counts (phase_id, bucket, shakes, candidates) VALUES (?, ?, ?, ?)
       ON CONFLICT (phase_id, bucket) DO UPDATE SET shakes = shakes + excluded.shakes,
         candidates = candidates + excluded.candidates`,
      c.phaseId,
      c.bucket,
      c.shakes,
      c.candidates,
    );
  }
}

export function phaseStats(sql: SqlStorage, shard: number, phaseId: string, now: number): ShardPhaseStats {
  const one = <T>(query: string, ...params: unknown[]) => sql.exec<T & Record<string, SqlStorageValue>>(query, ...params).one();
  const counts = one<{ shakes: number | null; candidates: number | null }>(
    "SELECT SUM(shakes) AS shakes, SUM(candidates) AS candidates FROM shake_counts WHERE phase_id = ?",
    phaseId,
  );
  const recent = one<{ shakes: number | null }>(
    "SELECT SUM(shakes) AS shakes FROM shake_counts WHERE phase_id = ? AND bucket > ?",
    phaseId,
    now - STATS_RATE_WINDOW_MS,
  );
  const issued = one<{ n: number; cents: number | null }>(
    "SELECT COUNT(*) AS n, SUM(amount) AS cents FROM claims WHERE phase_id = ?",
    phaseId,
  );
  const remaining = one<{ n: number; cents: number | null }>(
    `SELECT COUNT(*) AS n, SUM(e.amount) AS cents FROM envelopes e JOIN pools p ON p.pool_id = e.pool_id
      WHERE p.phase_id = ?`,
    phaseId,
  );
  return {
    shard,
    shakesSeen: counts.shakes ?? 0,
    candidates: counts.candidates ?? 0,
    envelopesIssued: issued.n,
    issuedCents: issued.cents ?? 0,
    remainingCount: remaining.n,
    remainingCents: remaining.cents ?? 0,
    shakeRate: (recent.shakes ?? 0) / (STATS_RATE_WINDOW_MS / 1000),
  };
}
