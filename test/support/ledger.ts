/**
 * Test access to the partitioned ledger: read rows from every LedgerPartition object, and
 * take the ledger down and up again (every partition's table out of reach and back), the way
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

/**
 * Takes `table` down in every partition: it is renamed to `<table>_offline` and a table of its
 * name with none of its columns stands in, so every read and write of it fails ("no such
 * column"). The stand-in survives a partition's restart: its constructor's `CREATE TABLE`,
 * `CREATE INDEX` and `CREATE TRIGGER ... IF NOT EXISTS` find the names taken and create nothing.
 * (With a rename alone, a partition that restarted during the outage made an empty table and
 * the way back failed; with a view standing in, its `CREATE INDEX` on the view threw and the
 * partition could not start again.)
 */
export const ledgerDown = (table: LedgerTable) =>
  inEveryPartition(`ALTER TABLE ${table} RENAME TO ${table}_offline; CREATE TABLE ${table} (outage INTEGER)`);

/** Brings `table` back in every partition, as it was before `ledgerDown`. */
export const ledgerUp = (table: LedgerTable) => inEveryPartition(`DROP TABLE ${table}; ALTER TABLE ${table}_offline RENAME TO ${table}`);

type LedgerTable = "ledger" | "wallets";

async function inEveryPartition(sql: string): Promise<void> {
  await Promise.all(
    allLedgerPartitions(env).map((p) =>
      runInDurableObject(ledgerStub(env, p), (_, state) => {
        state.storage.transactionSync(() => state.storage.sql.exec(sql));
      }),
    ),
  );
}

/** Runs `sql` in the partition that holds `userId`'s wallet only. */
export async function inUserPartition(userId: string, sql: string, ...params: SqlStorageValue[]): Promise<void> {
  await runInDurableObject(ledgerOf(env, userId), (_, state) => {
    state.storage.sql.exec(sql, ...params);
  });
}
