/**
 * Candidates for one shard ride shared `claimBatch` calls (src/edge/claim-batch.ts): hundreds
 * of shakes in flight at once, each its own request through the worker's entry, all from
 * viewers of one shard, with less stock on that shard than the viewers' limits would take.
 * The calls carried several candidates each, every candidate got its own answer, and the
 * limits, the stock and the money hold exactly: no envelope twice, no answer given to two
 * candidates, every claim the shard recorded answered to its winner, a replay of every
 * request id answered the same.
 */
import { describe, expect, it } from "vitest";
import { claimBatches } from "../../src/edge/claim-batch";
import type { ShakeResponse, WonEnvelope } from "../../src/wire/index";
import { audit, createPool } from "../support/api";
import { SPONSORS } from "../support/phases";
import { expectBalanced } from "../support/repair";
import { liveLotteryShow } from "../support/show";
import { sessionsOnShard, shake } from "../support/viewers";

const SHARD = 3;
const VIEWERS = 24;
const SHAKES_EACH = 8;
/** Envelopes per sponsor on each of the 8 test shards: 4 sponsors x 10 = 40 on the shard, far fewer than 24 viewers x 3. */
const PER_SHARD = 10;

const won = (answers: ShakeResponse[]) => answers.flatMap((a): WonEnvelope[] => (a.kind === "envelope" ? [a.envelope] : []));

describe("claims batched per shard", () => {
  it("keeps limits, stock and money exact with many candidates of one shard in flight at once", async () => {
    const { lotteryId } = await liveLotteryShow("claim-batch");
    const pools = await Promise.all(
      SPONSORS.map((s) => createPool({ phaseId: lotteryId, sponsorId: s.id, budgetCents: 8 * PER_SHARD * 100, count: 8 * PER_SHARD })),
    );
    const viewers = await sessionsOnShard(SHARD, VIEWERS);
    const before = { ...claimBatches };
    const requestIds = viewers.flatMap((v) =>
      Array.from({ length: SHAKES_EACH }, (_, k) => ({ token: v.token, requestId: `cb-${v.userId}-${k}` })),
    );
    const send = () => Promise.all(requestIds.map(({ token, requestId }) => shake(token, requestId)));
    const answers = await send();

    // Every candidate went to the shard in a batch, and the batches carried several each.
    const calls = claimBatches.calls - before.calls;
    expect(claimBatches.candidates - before.candidates).toBe(requestIds.length);
    expect(calls).toBeLessThan(requestIds.length / 2);

    const envelopes = won(answers);
    expect(answers.filter((a) => a.kind !== "envelope" && a.kind !== "greeting")).toEqual([]);
    expect(new Set(envelopes.map((e) => e.claimId)).size).toBe(envelopes.length);
    // The shard's whole stock went out, and no more: demand (24 x 3) exceeds it.
    expect(envelopes).toHaveLength(SPONSORS.length * PER_SHARD);
    for (const viewer of viewers) {
      const mine = won(answers.filter((_, i) => requestIds[i].token === viewer.token));
      expect(mine.length).toBeLessThanOrEqual(3);
      expect(new Set(mine.map((e) => e.sponsorId)).size).toBe(mine.length);
    }

    const report = await audit();
    expectBalanced(report);
    expect(report).toMatchObject({ duplicateEnvelopeClaims: 0 });
    expect(report.maxClaimsPerUser).toBeLessThanOrEqual(3);
    expect(report.maxClaimsPerUserSponsor).toBeLessThanOrEqual(1);
    for (const { pool } of pools) {
      const figures = report.pools.find((p) => p.poolId === pool.poolId);
      const fromPool = envelopes.filter((e) => e.sponsorId === pool.sponsorId);
      expect(figures?.claimedCount).toBe(fromPool.length);
      expect(figures?.claimedCents).toBe(fromPool.reduce((n, e) => n + e.amountCents, 0));
    }

    // A replay of every request id, batched again, gets the same answers.
    const replay = await send();
    expect(won(replay).map((e) => e.claimId)).toEqual(envelopes.map((e) => e.claimId));
  });
});
