/**
 * A group envelope's running totals of its grabs (`grab_totals`, this module alone writes it):
 * how many shares were grabbed and their cents, kept by SQLite triggers on `grabs` in the same
 * statement as every write to a grab row, whatever wrote it. The grab decision, the refund and
 * the audit's figures read these, not the rows; the deep check (grabs-check.ts) reads the rows
 * and names the envelope when they disagree. An envelope kept before the totals counts its
 * rows once, when it first starts with this module.
 */
const SCHEMA = `
CREATE TABLE IF NOT EXISTS grab_totals (
  id INTEGER PRIMARY KEY CHECK (id = 0),
  count INTEGER NOT NULL,
  cents INTEGER NOT NULL
);
INSERT OR IGNORE INTO grab_totals (id, count, cents)
  SELECT 0, COUNT(*), COALESCE(SUM(amount), 0) FROM grabs WHERE NOT EXISTS (SELECT 1 FROM grab_totals);
CREATE TRIGGER IF NOT EXISTS grab_totals_insert AFTER INSERT ON grabs BEGIN
  UPDATE grab_totals SET count = count + 1, cents = cents + NEW.amount;
END;
CREATE TRIGGER IF NOT EXISTS grab_totals_update AFTER UPDATE OF amount ON grabs BEGIN
  UPDATE grab_totals SET cents = cents + NEW.amount - OLD.amount;
END;
CREATE TRIGGER IF NOT EXISTS grab_totals_delete AFTER DELETE ON grabs BEGIN
  UPDATE grab_totals SET count = count - 1, cents = cents - OLD.amount;
END;
`;

/** Creates the totals and their triggers (after `grabs`); counts existing rows once. */
export function keepGrabTotals(sql: SqlStorage): void {
  sql.exec(SCHEMA);
}

/** Shares grabbed and their cents, from the totals. */
export function grabTotals(sql: SqlStorage): { cents: number; n: number } {
  return sql.exec<{ cents: number; n: number }>("SELECT cents, count AS n FROM grab_totals").one();
}
