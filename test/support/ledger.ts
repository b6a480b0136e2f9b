/**
 * Test access to the partitioned ledger: read rows from every LedgerPartition object, and
 * take the ledger down and up again (every partition's table renamed away and back), the way
 * an outage of the store looks to the settlement consumer.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { allLedgerPartitions, ledgerOf, ledgerStub } from "../../src/objects";

/** Runs `sql` (a query or a write) in every partition and returns all rows. */
export async function ledgerQuery<T extends Record<string, SqlStorageValue>>(sql: string, ...params: SqlStorageValue[]): Promise<T[]> {
  const parts = await Promise.all(
    allLedgerPartitions(env).map((p) =>
      runInDurableObject(ledgerStub(env, p), (_, state) => state.storage.sql.exec<T>(sql, ...params).toArray()),
    ),
  );
  return parts.flat();
}

/** Renames `table` to `<table>_offline` in every partition, or back; every write to it then fails. */
async function renameEverywhere(from: string, to: string): Promise<void> {
  await Promise.all(
    allLedgerPartitions(env).map((p) =>
      runInDurableObject(ledgerStub(env, p), (_, state) => {
        state.storage.sql.exec(`ALTER TABLE ${from} RENAME TO ${to}`);
      }),
    ),
  );
}

export const ledgerDown = (table: "ledger" | "wallets") => renameEverywhere(table, `${table}_offline`);
export const ledgerUp = (table: "ledger" | "wallets") => renameEverywhere(`${table}_offline`, table);

/** Runs `sql` in the partition that holds `userId`'s wallet only. */
export async function inUserPartition(userId: string, sql: string, ...params: SqlStorageValue[]): Promise<void> {
  await runInDurableObject(ledgerOf(env, userId), (_, state) => {
    state.storage.sql.exec(sql, ...params);
  });
}
