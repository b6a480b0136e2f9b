/**
 * Loss modes of the live show (issue 12, modes 4 and 6b), against the real timeline object
 * and shards: leftovers never roll into a phase that has closed, a pool is never registered
 * into an ended phase, stock found in a closed phase is named by the audit and moved on by
 * the show clock, and a shard that missed its first load loads its share even after a move
 * created its row.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { timelineStub } from "../../src/objects";
import { admin, audit, createPool, putShow } from "../support/api";
import { readJson } from "../support/api-client";
import { phase, SPONSORS } from "../support/phases";
import { expectBalanced, expectNamed } from "../support/repair";
import { jump, patchObjects, tick } from "../support/show";

const SEC = 1000;

describe("show loss modes", () => {
  it("mode 4: phases close in time order, so leftovers never roll into a phase that already closed", async () => {
    const now = Date.now();
    await putShow(
      [
        phase("o-a", "lottery", now - SEC, now + 60 * SEC, { sponsorIds: [SPONSORS[0].id] }),
        phase("o-b", "lottery", now + 60 * SEC, now + 120 * SEC, { sponsorIds: [SPONSORS[0].id] }),
      ],
      "order",
    );
    await createPool({ phaseId: "o-a", sponsorId: "aurora", budgetCents: 10_000, count: 100 });
    const returnedBefore = (await audit(300_000)).returnedCents;
    // Both have ended by now; the document lists the later one first.
    await jump([
      phase("o-b", "lottery", now - 5 * SEC, now - 2 * SEC, { sponsorIds: [SPONSORS[0].id] }),
      phase("o-a", "lottery", now - 20 * SEC, now - 10 * SEC, { sponsorIds: [SPONSORS[0].id] }),
    ]);
    await tick();
    await tick();
    const report = await audit(300_000);
    expectBalanced(report);
    expect(report.pools.filter((p) => p.phaseId === "o-b").reduce((n, p) => n + p.remainingCents, 0)).toBe(0);
    expect(report.returnedCents - returnedBefore).toBe(10_000);
  });

  it("mode 4: stock found in a closed phase is named by the audit, and the show clock moves it on", async () => {
    const now = Date.now();
    await putShow([phase("s-a", "lottery", now - SEC, now + 60 * SEC, { sponsorIds: [SPONSORS[0].id] })], "stranded");
    const { pool: created } = await createPool({ phaseId: "s-a", sponsorId: "aurora", budgetCents: 7_000, count: 70 });
    // Closed without its leftovers moving (what the old close order did to a roll-over pool).
    await timelineStub(env).markClosed("s-a", now);
    expectNamed(await audit(300_000), `pool:${created.poolId}`);
    const report = await tick();
    expect(report.closedPhases).toContain("s-a");
    const after = await audit(300_000);
    expectBalanced(after);
    expect(after.pools.find((p) => p.poolId === created.poolId)?.remainingCents).toBe(0);
  });

  it("mode 4: a pool is not registered into a phase that ended, even when the edge's timeline copy is stale", async () => {
    const now = Date.now();
    await putShow([phase("st-a", "lottery", now - SEC, now + 60 * SEC, { sponsorIds: [SPONSORS[0].id] })], "stale");
    await createPool({ phaseId: "st-a", sponsorId: "aurora", budgetCents: 1_000, count: 10 });
    await jump([phase("st-a", "lottery", now - 10 * SEC, now - SEC, { sponsorIds: [SPONSORS[0].id] })]);
    const res = await admin("POST", "/pools", { phaseId: "st-a", sponsorId: "aurora", budgetCents: 1_000, count: 10 });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_pool");
  });

  it("mode 6b: a shard that missed its first load loads its share even after a move created its pool row", async () => {
    const now = Date.now();
    await putShow([phase("m-a", "lottery", now - SEC, now + 120 * SEC, { sponsorIds: [SPONSORS[0].id] })], "missed");
    const missing = 3;
    let poolId = "";
    await patchObjects<PoolShard, "loadPool">(
      env.POOL_SHARD.getByName("shard-0"),
      "loadPool",
      (original) =>
        function (this: PoolShard, ...args: Parameters<PoolShard["loadPool"]>) {
          if (args[0].shard === missing) throw new Error("injected: shard unreachable");
          return original.apply(this, args);
        },
      async () => {
        const res = await admin("POST", "/pools", { phaseId: "m-a", sponsorId: "aurora", budgetCents: 80_000, count: 800 });
        expect(res.status).toBe(503);
        poolId = (await readJson<{ pools: { poolId: string; phaseId: string }[] }>(await admin("GET", "/pools"))).pools.find(
          (p) => p.phaseId === "m-a",
        )!.poolId;
        // The rebalance in this run moves stock into the shard that has none.
        const report = await tick();
        expect(report.movesCompleted.some((id) => id.includes(`>${missing}:`))).toBe(true);
      },
    );
    expectNamed(await audit(300_000), `pool:${poolId}`);
    const report = await tick();
    expect(report.reloadedPools).toContain(poolId);
    expectBalanced(await audit(300_000));
  });
});
