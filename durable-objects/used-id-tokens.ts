/**
 * UsedIdTokens: one shard of the memory of ID tokens already exchanged for a session, so a
 * token that leaked (a URL, a history entry, a log) cannot be exchanged again, from any
 * isolate, until it expires. Keys are hashed by the caller (src/auth/id-token-replay.ts)
 * and spread over ID_TOKEN_SHARDS objects; a row lives until the token's expiry and the
 * alarm deletes expired rows in bounded slices (the cost of a clean-up never depends on how
 * many tokens were ever used). Sizing: docs/identity.md.
 */
import { DurableObject } from "cloudflare:workers";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS used_tokens (
  key TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS used_tokens_expiry ON used_tokens (expires_at);
`;

/** Expired rows one alarm deletes at most; the next alarm comes at once when more are due. */
const SWEEP_ROWS = 2000;
/** The shortest wait between two sweeps while rows remain. */
const SWEEP_EVERY_MS = 60_000;

export class UsedIdTokens extends DurableObject<Env> {
  #sql: SqlStorage;
  #alarmSet = false;

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    this.#sql = ctx.storage.sql;
    this.#sql.exec(SCHEMA);
  }

  /** Records the key until `expiresAt`; false when it was recorded already (a replay). */
  async firstUse(key: string, expiresAt: number): Promise<boolean> {
    const written = this.#sql.exec(
      "INSERT INTO used_tokens (key, expires_at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING",
      key,
      expiresAt,
    ).rowsWritten;
    if (written > 0 && !this.#alarmSet) {
      this.#alarmSet = true;
      if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm(Date.now() + SWEEP_EVERY_MS);
    }
    return written > 0;
  }

  async alarm(): Promise<void> {
    const now = Date.now();
    this.#sql.exec(
      "DELETE FROM used_tokens WHERE key IN (SELECT key FROM used_tokens WHERE expires_at <= ? ORDER BY expires_at LIMIT ?)",
      now,
      SWEEP_ROWS,
    );
    const next = this.#sql.exec<{ at: number | null }>("SELECT MIN(expires_at) AS at FROM used_tokens").one().at;
    this.#alarmSet = next !== null;
    // More expired rows than one slice: go on at once; else wake when the next row expires (at most once a minute).
    if (next !== null) await this.ctx.storage.setAlarm(next <= now ? now : Math.max(next, now + SWEEP_EVERY_MS));
  }
}
