/**
 * Shake counts flushed by edge isolates into a pool shard (`shake_counts`, its only writer),
 * and the per-phase statistics the operator console reads from them and from the shard's
 * claims and stock.
 */
import type { ShardPhaseStats } from "../../src/wire/index";
import type { ShakeCount } from "../../src/wire/rpc";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS shake_counts (
  phase_id TEXT NOT NULL,
  bucket INTEGER NOT NULL,
  shakes INTEGER NOT NULL,
  candidates INTEGER NOT NULL,
  PRIMARY KEY (phase_id, bucket)
) WITHOUT ROWID;
`;

/** Shake rates are averaged over this window. */
const STATS_RATE_WINDOW_MS = 30_000;

export class ShakeCounts {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
    sql.exec(SCHEMA);
  }

  record(counts: readonly ShakeCount[]): void {
    for (const c of counts) {
      this.#sql.exec(
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

  phaseStats(shard: number, phaseId: string, now: number): ShardPhaseStats {
    const one = <T>(query: string, ...params: unknown[]) => this.#sql.exec<T & Record<string, SqlStorageValue>>(query, ...params).one();
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
}
