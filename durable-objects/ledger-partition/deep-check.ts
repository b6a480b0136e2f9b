/**
 * The ledger partition's deep check (issue 26): each wallet's balance against the sum of its
 * ledger rows, run in slices bounded by time from the partition's alarm (../sliced-check.ts).
 * A query reads `WALLETS_PER_QUERY` wallets after the cursor (the last wallet checked) with their
 * rows; a wallet that disagrees is a finding, named `wallet:<user>`, that the audit checks again
 * before naming it (`recheck`), so a wallet the repair has made right since is not named.
 */
import type { AuditProblem } from "../../src/wire/index";
import type { CheckSubject, Found } from "../sliced-check";

/** Wallets read per query (with their rows); a slice may overshoot its budget by one query. */
export const WALLETS_PER_QUERY = 20;

export class WalletRows implements CheckSubject {
  #sql: SqlStorage;

  constructor(sql: SqlStorage) {
    this.#sql = sql;
  }

  begin(): void {}

  next(cursor: string, found: Found): { rows: number; entities: number; cursor: string | null } {
    const wallets = this.#sql
      .exec<{ user_id: string; balance: number; n: number; sum: number }>(
        `WITH w AS (SELECT user_id, balance_cents FROM wallets WHERE user_id > ? ORDER BY user_id LIMIT ${WALLETS_PER_QUERY})
         SELECT w.user_id, w.balance_cents AS balance, COUNT(l.entry_id) AS n, COALESCE(SUM(l.amount_cents), 0) AS sum
           FROM w LEFT JOIN ledger l ON l.user_id = w.user_id GROUP BY w.user_id ORDER BY w.user_id`,
        cursor,
      )
      .toArray();
    let rows = 0;
    for (const w of wallets) {
      rows += w.n;
      found(w.user_id, w.balance - w.sum);
    }
    const last = wallets.length < WALLETS_PER_QUERY ? null : wallets[wallets.length - 1].user_id;
    return { rows, entities: wallets.length, cursor: last };
  }

  end(): void {}

  recheck(userId: string): number {
    const w = this.#sql
      .exec<{ balance: number; sum: number }>(
        `SELECT COALESCE((SELECT balance_cents FROM wallets WHERE user_id = ?1), 0) AS balance,
                COALESCE((SELECT SUM(amount_cents) FROM ledger WHERE user_id = ?1), 0) AS sum`,
        userId,
      )
      .one();
    return w.balance - w.sum;
  }

  problem(userId: string, diff: number): AuditProblem {
    return {
      place: `wallet:${userId}`,
      problem: `balance differs from the sum of the user's ledger rows by ${diff} cents (deep check)`,
      cents: Math.abs(diff),
    };
  }
}
