-- Ledger and wallets: where settled money lives.
-- Every movement of money is one ledger row whose primary key is its idempotency key
-- ("claim:<claimId>" for a won envelope), so a redelivered settlement cannot credit twice.
-- `wallets` holds each user's balance, recomputed from the user's ledger rows in the same
-- D1 batch that writes them; the CHECK makes an overdraft impossible.
CREATE TABLE ledger (
  entry_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  amount_cents INTEGER NOT NULL CHECK (amount_cents <> 0),
  claim_id TEXT UNIQUE,
  pool_id TEXT,
  phase_id TEXT,
  sponsor_id TEXT,
  ref TEXT,
  created_at INTEGER NOT NULL
);
CREATE INDEX ledger_user ON ledger (user_id, created_at);
CREATE INDEX ledger_pool ON ledger (pool_id) WHERE pool_id IS NOT NULL;

CREATE TABLE wallets (
  user_id TEXT PRIMARY KEY,
  balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
  updated_at INTEGER NOT NULL
);
