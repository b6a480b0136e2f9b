-- Settled group envelopes (issue 26): an envelope refunded or emptied whose credits the ledger
-- confirmed, or a cancelled one whose debit was given back or refused, is marked settled and
-- its final figures are folded into one totals row per funding in the same D1 batch; the
-- audit checks settled envelopes from these totals against the ledger, and neither the audit
-- nor the repair visits a settled envelope again.
ALTER TABLE group_envelopes ADD COLUMN settled_at INTEGER;
CREATE INDEX group_envelopes_unsettled ON group_envelopes (status, group_id) WHERE settled_at IS NULL;
CREATE TABLE group_settled_totals (
  funding TEXT PRIMARY KEY CHECK (funding IN ('wallet', 'seed')),
  envelopes INTEGER NOT NULL DEFAULT 0,
  amount_cents INTEGER NOT NULL DEFAULT 0,
  funded_cents INTEGER NOT NULL DEFAULT 0,
  cancelled_cents INTEGER NOT NULL DEFAULT 0,
  grabbed_cents INTEGER NOT NULL DEFAULT 0,
  refunded_cents INTEGER NOT NULL DEFAULT 0
);
INSERT INTO group_settled_totals (funding) VALUES ('wallet'), ('seed');
