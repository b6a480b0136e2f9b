/**
 * A pool shard kept by a version before voided claims carried their pool and cents (before
 * 7c87fa9): its `voided_claims` rows have no `pool_id` or `amount`, and its `pool_totals` no
 * swept or voided columns. The current code, starting on such a shard, adds the columns, gives
 * each old void the pool and cents of its envelope (back in stock, or claimed since), counts
 * the voids into the pool's totals once, and the statement and the audit read them.
 */
import { env } from "cloudflare:workers";
import { evictDurableObject, runInDurableObject } from "cloudflare:test";
import { beforeAll, describe, expect, it } from "vitest";
import { shardOf } from "../../src/domain/hash";
import { shardStub } from "../../src/objects";
import type { SponsorStatement } from "../../src/wire/index";
import { admin, audit } from "../support/api";
import { readJson } from "../support/api-client";
import { winner } from "../support/lottery";
import { SPONSORS } from "../support/phases";
import { asOlderTotals } from "../support/older-shard";
import { liveLottery } from "../support/show";

/** `voided_claims` as the versions before 7c87fa9 created it. */
const OLD_VOIDED_CLAIMS = `CREATE TABLE voided_claims (
  claim_id TEXT PRIMARY KEY,
  user_id TEXT NOT NULL,
  request_id TEXT NOT NULL,
  lease_id TEXT NOT NULL,
  envelope_id TEXT NOT NULL,
  reason TEXT NOT NULL,
  voided_at INTEGER NOT NULL
) WITHOUT ROWID`;

type Void = {
  claim_id: string;
  user_id: string;
  request_id: string;
  lease_id: string;
  envelope_id: string;
  reason: string;
  voided_at: number;
};

describe("voided claims of a shard kept before they carried their pool and cents", () => {
  let poolId: string;
  let shard: ReturnType<typeof shardStub>;
  /** The old voids and the pool and cents each should get. */
  let voids: (Void & { pool: string; cents: number })[];

  beforeAll(async () => {
    ({ poolId } = await liveLottery("voided-migration", 40));
    const won = await winner();
    shard = shardStub(env, shardOf(won.userId, Number(env.SHARD_COUNT)));
    voids = await runInDurableObject(shard, (_, state) => {
      const sql = state.storage.sql;
      const stock = sql
        .exec<{ envelope_id: string; amount: number }>("SELECT envelope_id, amount FROM envelopes WHERE pool_id = ? LIMIT 2", poolId)
        .toArray();
      const claimed = sql
        .exec<{ envelope_id: string; amount: number }>("SELECT envelope_id, amount FROM claims WHERE claim_id = ?", won.envelope.claimId)
        .one();
      const old = (n: number, envelopeId: string, reason: string, leaseId = "lease-old") => ({
        claim_id: `old-void-${n}`,
        user_id: `old-user-${n}`,
        request_id: `old-request-${n}`,
        lease_id: leaseId,
        envelope_id: envelopeId,
        reason,
        voided_at: 1_000 + n,
      });
      const rows = [
        // Voided after its lease expired: its envelope went back to stock and is still there.
        { ...old(1, stock[0].envelope_id, "expired"), pool: poolId, cents: stock[0].amount },
        // Displaced by an earlier claim of the same person: back in stock.
        { ...old(2, stock[1].envelope_id, "limit", ""), pool: poolId, cents: stock[1].amount },
        // Presented after its lease had returned the envelope, which a viewer won since.
        { ...old(3, claimed.envelope_id, "late"), pool: poolId, cents: claimed.amount },
        // Its envelope left the shard since (a leftover move takes envelopes by pool, not by id).
        { ...old(4, "moved-away-envelope", "late"), pool: "", cents: 0 },
      ];
      // The shard as the older version left it: no pool or cents on a void, no swept or voided totals.
      asOlderTotals(sql);
      sql.exec("DROP TABLE voided_claims");
      sql.exec(OLD_VOIDED_CLAIMS);
      for (const r of rows) {
        sql.exec(
          "INSERT INTO voided_claims (claim_id, user_id, request_id, lease_id, envelope_id, reason, voided_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
          r.claim_id,
          r.user_id,
          r.request_id,
          r.lease_id,
          r.envelope_id,
          r.reason,
          r.voided_at,
        );
      }
      sql.exec("UPDATE shard_totals SET n = ? WHERE name = 'voided'", rows.length);
      return rows;
    });
    // The current code starts on that storage.
    await evictDurableObject(shard);
  });

  it("keeps every old void, each with the pool and cents of its envelope", async () => {
    const rows = await runInDurableObject(shard, (_, state) =>
      state.storage.sql.exec<Void & { pool_id: string; amount: number }>("SELECT * FROM voided_claims ORDER BY claim_id").toArray(),
    );
    expect(rows).toEqual(voids.map(({ pool, cents, ...v }) => ({ ...v, pool_id: pool, amount: cents })));
  });

  it("counts them into the pool's voided totals once, as the rows stand", async () => {
    const counted = voids.filter((v) => v.pool === poolId);
    const totals = await runInDurableObject(shard, (_, state) =>
      state.storage.sql
        .exec<{ pool_id: string; n: number; cents: number }>(
          "SELECT pool_id, voided_count AS n, voided_cents AS cents FROM pool_totals WHERE voided_count <> 0 ORDER BY pool_id",
        )
        .toArray(),
    );
    expect(totals).toEqual([
      { pool_id: "", n: 1, cents: 0 },
      { pool_id: poolId, n: counted.length, cents: counted.reduce((a, v) => a + v.cents, 0) },
    ]);
  });

  it("shows them in the sponsor's statement, reconciled, and the audit balances", async () => {
    const counted = voids.filter((v) => v.pool === poolId);
    const s = await readJson<SponsorStatement>(await admin("GET", `/sponsors/${SPONSORS[0].id}/statement`));
    expect(s.pools.find((p) => p.poolId === poolId)).toMatchObject({
      voidedCount: counted.length,
      voidedCents: counted.reduce((a, v) => a + v.cents, 0),
      reconciled: true,
    });
    expect(s.reconciled).toBe(true);
    const books = await audit();
    expect(books.problems).toEqual([]);
    expect(books.balanced).toBe(true);
  });
});
