/**
 * The pool shards' deep check (issue 26): each shard sums its claims and their settlement
 * states per pool in slices bounded by time and, at the end of a run, checks the sums against
 * its running totals, reporting to the show clock, where the audit reads the findings. A
 * claim row changed behind the totals is named `shard-<n>/pool:<pool>` by the audit once a run
 * has read it, and no longer once a run finds the rows right again. Claims taken, opened,
 * settled and displaced between two slices, below and above the cursor, make no false finding.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { CLAIMS_PER_QUERY, ClaimRows } from "../../durable-objects/pool-shard/claims-check";
import { shardOf } from "../../src/domain/hash";
import { shardStub } from "../../src/objects";
import type { DeepCheckReport } from "../../src/wire/index";
import { audit } from "../support/api";
import { winner } from "../support/lottery";
import { liveLottery, tick } from "../support/show";

type Shard = ReturnType<typeof shardStub>;

/** Runs slices of the shard's deep check (as its alarm does, with `budgetMs`) until a run finishes; returns how many. */
async function fullRun(shard: Shard, budgetMs?: number, between?: (slice: number) => Promise<void>): Promise<number> {
  for (let slices = 1; ; slices++) {
    const slice = await shard.checkSlice(budgetMs);
    if (!slice) throw new Error("the deep check is not armed");
    if (slice.runFinished) return slices;
    await between?.(slices);
  }
}

async function reportOf(source: string): Promise<DeepCheckReport | undefined> {
  return (await env.TIMELINE.getByName("timeline").deepChecks()).find((r) => r.source === source);
}

const inShard = (shard: Shard, sql: string, ...params: SqlStorageValue[]) =>
  runInDurableObject(shard, (_, state) => {
    state.storage.sql.exec(sql, ...params);
  });

describe("claims deep check", () => {
  it("names the pool of a claim whose amount changed behind the totals, and no longer once the row is right again", async () => {
    const { poolId } = await liveLottery("claims-check", 20);
    await tick();
    const won = await winner();
    const n = shardOf(won.userId, Number(env.SHARD_COUNT));
    const shard = shardStub(env, n);
    const place = `shard-${n}/pool:${poolId}`;
    await fullRun(shard);
    expect((await reportOf(`shard-${n}`))?.findings).toEqual([]);
    expect((await audit()).problems.map((p) => p.place)).not.toContain(place);

    await inShard(shard, "DROP TRIGGER totals_claims_update");
    await inShard(shard, "UPDATE claims SET amount = amount + 5 WHERE claim_id = ?", won.envelope.claimId);
    expect((await audit()).problems.map((p) => p.place)).not.toContain(place);
    await fullRun(shard);
    const named = (await audit()).problems.filter((p) => p.place === place);
    expect(named).toEqual([expect.objectContaining({ cents: 5, problem: expect.stringContaining("issued cents") })]);

    await inShard(shard, "UPDATE claims SET amount = amount - 5 WHERE claim_id = ?", won.envelope.claimId);
    await fullRun(shard);
    expect((await audit()).problems.map((p) => p.place)).not.toContain(place);
    expect((await reportOf(`shard-${n}`))?.findings).toEqual([]);
  });

  it("keeps its state triggers as they are on each start, and makes older bodies current (restarting a run under way)", async () => {
    const shard = shardStub(env, 1);
    const [again, older, current] = await runInDurableObject(shard, (_, state) => {
      const sql = state.storage.sql;
      const rows = () => new ClaimRows(sql, () => "shard-1");
      const kept = rows().triggersChanged;
      // A shard started by a release whose claim states had no `swept`.
      const body = sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'claims_check_state_update'").one().sql;
      sql.exec("DROP TRIGGER claims_check_state_update");
      sql.exec(body.replace(/INSERT INTO claims_check_sums[^;]*'swept'[^;]*;/, ""));
      const changed = rows().triggersChanged;
      return [
        kept,
        changed,
        sql.exec<{ sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'claims_check_state_update'").one().sql === body,
      ];
    });
    expect({ again, older, current }).toEqual({ again: false, older: true, current: true });
  });

  // Last: it fills a shard with claims of a pool the registry does not know, which the audit would rightly name.
  it("counts claims taken, opened, settled and displaced between slices, below and above the cursor, exactly (no false finding)", async () => {
    const shard = shardStub(env, 0);
    const claims = CLAIMS_PER_QUERY * 5;
    const insertClaims = (from: number, count: number) =>
      inShard(
        shard,
        `INSERT INTO claims (claim_id, envelope_id, user_id, request_id, pool_id, phase_id, sponsor_id, amount, claimed_at, gala_id)
         WITH RECURSIVE n(i) AS (SELECT CAST(?1 AS INTEGER) UNION ALL SELECT i + 1 FROM n WHERE i < ?1 + ?2 - 1)
         SELECT 'seed-claim-' || i, 'seed-env-' || i, 'seed-u' || i, 'r' || i, 'seed-pool', 'seed-phase', 'seed-sponsor', 1 + i % 7, 0, 'seed' FROM n`,
        from,
        count,
      );
    await insertClaims(0, claims);
    await inShard(
      shard,
      "INSERT INTO claim_state (claim_id, opened_at) SELECT claim_id, 1 FROM claims WHERE claim_id LIKE 'seed-claim-1%'",
    );
    const slices = await fullRun(shard, 0, async (slice) => {
      if (slice !== 2) return;
      // The cursor is past the first two queries' claims: write below it and above it.
      await inShard(shard, "UPDATE claim_state SET enqueued_at = 2, settled_at = 3 WHERE claim_id IN ('seed-claim-10', 'seed-claim-999')");
      await inShard(shard, "INSERT INTO claim_state (claim_id, opened_at) VALUES ('seed-claim-5', 4), ('seed-claim-900', 4)");
      await inShard(shard, "DELETE FROM claim_state WHERE claim_id IN ('seed-claim-3', 'seed-claim-19', 'seed-claim-950')");
      await inShard(shard, "DELETE FROM claims WHERE claim_id IN ('seed-claim-3', 'seed-claim-950')");
      await insertClaims(claims, 3);
    });
    expect(slices).toBeGreaterThanOrEqual(5);
    const report = await reportOf("shard-0");
    expect(report?.findings).toEqual([]);
    expect(report?.lastRun?.entities).toBeGreaterThanOrEqual(claims + 1);
  });
});
