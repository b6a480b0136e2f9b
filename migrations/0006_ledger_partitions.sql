-- The ledger and wallets moved to LedgerPartition Durable Objects (one SQLite database per
-- partition, chosen by a hash of the user id; durable-objects/ledger-partition.ts). D1 keeps
-- the group envelope registry only.
DROP INDEX IF EXISTS ledger_ref;
DROP TABLE IF EXISTS ledger;
DROP TABLE IF EXISTS wallets;
