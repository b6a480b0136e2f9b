-- Group envelopes (split packets): one registry row per envelope, written before its object
-- is created, so every group debit in the ledger names a registered envelope and the audit
-- can list them all. `source_ref` makes creation idempotent: one envelope per seed claim
-- ("claim:<claimId>") and one per sender request ("wallet:<userId>:<requestId>").
-- Group money in the ledger carries the group id in `ref`.
CREATE TABLE group_envelopes (
  group_id TEXT PRIMARY KEY,
  source_ref TEXT NOT NULL UNIQUE,
  sender_id TEXT NOT NULL,
  funding TEXT NOT NULL CHECK (funding IN ('wallet', 'seed')),
  amount_cents INTEGER NOT NULL CHECK (amount_cents > 0),
  spec TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'created', 'cancelled')),
  created_at INTEGER NOT NULL
);
CREATE INDEX group_envelopes_status ON group_envelopes (status, created_at);
CREATE INDEX ledger_ref ON ledger (ref) WHERE ref IS NOT NULL;
