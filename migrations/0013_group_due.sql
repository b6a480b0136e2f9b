-- Due times of group envelopes (issue 26): each envelope not settled yet carries the earliest
-- moment it may need the repair (its expiry while anything is open, or the oldest credit it owes
-- the ledger), kept by its object (lowered before a grab owes a credit, set after each repair
-- visit). The minute repair and the audit visit only the envelopes that are due, not every
-- envelope in motion. Envelopes registered before this column are due at once (0), so the next
-- repair visits each once and sets its due time.
ALTER TABLE group_envelopes ADD COLUMN due_at INTEGER NOT NULL DEFAULT 0;
CREATE INDEX group_envelopes_due ON group_envelopes (due_at, group_id) WHERE settled_at IS NULL;
