/**
 * Pacing in an edge-lease phase (docs/overload.md, docs/money-flow.md): a lease grant never
 * takes a pool past its issuance allowance on any shard (issued + lent ≤ allowance per pool, read on
 * every shard: the isolate leases from its own lease shards, whoever its viewers are), and
 * a candidate the isolate cannot answer from its lease is paced at the shard the same way, so
 * a pool cannot be emptied in the phase's first seconds. Through the worker's real entry with
 * the deployed pacing setting (the suite-wide config switches pacing off).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { issuanceAllowance } from "../../src/domain/pacing";
import { dropIsolateLeases } from "../../src/edge/edge-leases";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import { allShards, shardStub } from "../../src/objects";
import type { ShakeResponse } from "../../src/wire/index";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { audit, createPool } from "../support/api";
import { deployedEnv, inBatches, shakeWire } from "../support/deployed";
import { SPONSORS } from "../support/phases";
import { expectBalanced } from "../support/repair";
import { liveLotteryShow, patchObjects } from "../support/show";
import { sessionsOnShard } from "../support/viewers";
import { sleep } from "../support/wait";

const SHARD = 3;
const SPONSOR_IDS = SPONSORS.slice(0, 2).map((s) => s.id);

/**
 * Per pool on a shard: envelopes of its share claimed (here, or at another home by a merge;
 * not claims merged in from other shards' loans), lent to isolates and in stock, from its rows.
 */
async function poolBooks(shard: number, phaseId: string): Promise<{ poolId: string; claimed: number; lent: number; stock: number }[]> {
  return runInDurableObject(shardStub(env, shard), (_, state) =>
    state.storage.sql
      .exec<{ pool_id: string; claimed: number; lent: number; stock: number }>(
        `SELECT p.pool_id,
                (SELECT COUNT(*) FROM claims c WHERE c.pool_id = p.pool_id AND c.claim_id NOT IN (SELECT claim_id FROM merged_in))
                  + (SELECT COUNT(*) FROM merged_out m WHERE m.pool_id = p.pool_id) AS claimed,
                (SELECT COUNT(*) FROM leased_envelopes l WHERE l.pool_id = p.pool_id) AS lent,
                (SELECT COUNT(*) FROM envelopes e WHERE e.pool_id = p.pool_id) AS stock
           FROM pools p WHERE p.phase_id = ?`,
        phaseId,
      )
      .toArray()
      .map((r) => ({ poolId: r.pool_id, claimed: r.claimed, lent: r.lent, stock: r.stock })),
  );
}

describe("pacing in an edge-lease phase", () => {
  // The next file in this isolate starts with no lease and no cached timeline of this one.
  afterAll(() => {
    dropIsolateLeases();
    forgetTimeline();
  });

  it("never lends or issues a pool past its allowance, so the pool is not emptied in the first seconds", async () => {
    forgetTimeline();
    const users = await sessionsOnShard(SHARD, 60);
    // Long enough that four waves on a loaded machine (load 47) end before the allowance passes half of each pool.
    const phaseMs = 80_000;
    const now = Date.now();
    const { timeline, lotteryId } = await liveLotteryShow(`lease-paced-${crypto.randomUUID().slice(0, 6)}`, {
      issuance: "edge-leases",
      startsAt: now - 500,
      endsAt: now - 500 + phaseMs,
      sponsorIds: SPONSOR_IDS,
    });
    const phase = timeline.phases[0];
    // 8 shards: 50 envelopes of each pool on every shard (more once the show clock moves stock in), far more than its allowance in the first seconds.
    for (const sponsorId of SPONSOR_IDS) await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 40_000, count: 400 });
    const target = deployedEnv({ SHARD_RPS_CEILING: "1000000" });
    let leased = 0;
    let wins = 0;
    const wave = (tag: string) =>
      inBatches(users.length * 2, 40, async (i) => {
        const res = await shakeWire(target, users[i % users.length].token, `${tag}-${i}`);
        const answer = (await res.json()) as ShakeResponse;
        if (answer.kind === "envelope") {
          wins++;
          if (answer.envelope.signedClaim) leased++;
        }
      });

    // Shard claims made while the rounds run: a candidate the isolate cannot answer while its
    // shard lends nothing (the pools are at their allowance) gets the greeting with no call.
    let claimCalls = 0;
    let lentAtOnce = 0;
    await patchObjects<PoolShard, "claimPaced">(
      shardStub(env, SHARD),
      "claimPaced",
      (original) =>
        function (this: PoolShard, request) {
          claimCalls++;
          return original.call(this, request);
        },
      async () => {
        for (let round = 0; round < 4; round++) {
          // The first candidates find no lease yet and are answered by the shard (paced); count the later ones.
          if (round === 1) claimCalls = 0;
          await wave(`w${round}`);
          await sleep(150);
          const at = Date.now();
          // Every shard: the isolate's lease shards (picked from its id) lend, the viewers' home shard answers fallback claims.
          for (const shard of allShards(env)) {
            for (const pool of await poolBooks(shard, lotteryId)) {
              const total = pool.claimed + pool.lent + pool.stock;
              lentAtOnce = Math.max(lentAtOnce, pool.lent);
              // issued + lent within the allowance of this moment (the allowance only grows with time).
              expect(pool.claimed + pool.lent, `round ${round}, shard ${shard}, pool ${pool.poolId}`).toBeLessThanOrEqual(
                issuanceAllowance(total, phase, at),
              );
              expect(pool.stock).toBeGreaterThan(total / 2);
            }
          }
        }
      },
    );
    expect(claimCalls, `shard claims in rounds 1-3, ${wins} wins (${leased} leased)`).toBeLessThan(users.length);
    expect(wins).toBeGreaterThan(0);
    expect(leased).toBeGreaterThan(0);
    // The books were read while leases held envelopes: the grants' bound was checked, not only the claims'.
    expect(lentAtOnce).toBeGreaterThan(0);
    expectBalanced(await audit(600_000));
  });
});
