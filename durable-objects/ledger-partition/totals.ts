/**
 * The ledger partition's running totals (`ledger_totals`, `wallet_totals`; this module alone
 * writes them), kept by triggers in the same statement as every write to
 * `ledger` and `wallets` (whatever wrote it): the ledger's rows by kind, pool, group (ref) and
 * whether they carry a claim id, and the sum of the wallets' balances, which must equal the sum
 * of the rows. The audit reads these, not the rows.
 */
const TOTALS_SCHEMA = `
CREATE TABLE IF NOT EXISTS ledger_totals (
  kind TEXT NOT NULL,
  pool_id TEXT NOT NULL,
  ref TEXT NOT NULL,
  with_claim INTEGER NOT NULL,
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL,
  PRIMARY KEY (kind, pool_id, ref, with_claim)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS wallet_totals (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  balance_cents INTEGER NOT NULL
);
INSERT OR IGNORE INTO wallet_totals (id, balance_cents) VALUES (0, 0);
${(["NEW", "OLD"] as const)
  .map(
    (
      row,
    ) => `CREATE TRIGGER IF NOT EXISTS ledger_totals_${row === "NEW" ? "insert" : "delete"} AFTER ${row === "NEW" ? "INSERT" : "DELETE"} ON ledger BEGIN
  ${ledgerTotalsAdd(row)}
END;`,
  )
  .join("\n")}
CREATE TRIGGER IF NOT EXISTS ledger_totals_update AFTER UPDATE ON ledger BEGIN
  ${ledgerTotalsAdd("OLD")}
  ${ledgerTotalsAdd("NEW")}
END;
CREATE TRIGGER IF NOT EXISTS wallet_totals_insert AFTER INSERT ON wallets BEGIN
  UPDATE wallet_totals SET balance_cents = balance_cents + NEW.balance_cents;
END;
CREATE TRIGGER IF NOT EXISTS wallet_totals_update AFTER UPDATE OF balance_cents ON wallets BEGIN
  UPDATE wallet_totals SET balance_cents = balance_cents + NEW.balance_cents - OLD.balance_cents;
END;
CREATE TRIGGER IF NOT EXISTS wallet_totals_delete AFTER DELETE ON wallets BEGIN
  UPDATE wallet_totals SET balance_cents = balance_cents - OLD.balance_cents;
END;
`;

/** Adds a ledger row (NEW) to, or takes it (OLD) from, its line of the totals. */
function ledgerTotalsAdd(row: "NEW" | "OLD"): string {
  const sign = row === "NEW" ? 1 : -1;
  return `INSERT INTO ledger_totals (kind, pool_id, ref, with_claim, count, cents)
    VALUES (${row}.kind, COALESCE(${row}.pool_id, ''), COALESCE(${row}.ref, ''), ${row}.claim_id IS NOT NULL, ${sign}, ${sign} * ${row}.amount_cents)
    ON CONFLICT DO UPDATE SET count = count + excluded.count, cents = cents + excluded.cents;`;
}

/** Creates the totals and their triggers; a partition that held rows before they were kept counts them once. */
export function keepTotals(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  const fresh = sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'ledger_totals'").toArray().length === 0;
  storage.transactionSync(() => {
    sql.exec(TOTALS_SCHEMA);
    if (fresh) countTotals(sql);
  });
}

/** Totals of a partition that held rows before they were kept: counted once from the rows. */
function countTotals(sql: SqlStorage): void {
  sql.exec(
    `INSERT INTO ledger_totals (kind, pool_id, ref, with_claim, count, cents)
       SELECT kind, COALESCE(pool_id, ''), COALESCE(ref, ''), claim_id IS NOT NULL, COUNT(*), SUM(amount_cents) FROM ledger
        GROUP BY 1, 2, 3, 4`,
  );
  sql.exec("UPDATE wallet_totals SET balance_cents = (SELECT COALESCE(SUM(balance_cents), 0) FROM wallets)");
}
