/**
 * A pool shard's core tables: its parts of the pools, the envelopes in stock, the claims
 * (each won envelope, with the request id that won it), and the answers of request ids that
 * won nothing. The other tables live with the modules that use them (claim-state, leases,
 * move-ledger, phase-windows, shake-counts).
 */
export const SHARD_SCHEMA = `
CREATE TABLE IF NOT EXISTS pools (
  pool_id TEXT PRIMARY KEY,
  phase_id TEXT NOT NULL,
  sponsor_id TEXT NOT NULL,
  loaded_count INTEGER NOT NULL,
  loaded_cents INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS pools_phase ON pools(phase_id);
CREATE TABLE IF NOT EXISTS envelopes (
  envelope_id TEXT PRIMARY KEY,
  pool_id TEXT NOT NULL,
  amount INTEGER NOT NULL CHECK (amount > 0)
);
CREATE INDEX IF NOT EXISTS envelopes_pool ON envelopes(pool_id);
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
  gala_id TEXT NOT NULL DEFAULT ''
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
