import { env } from "cloudflare:workers";
import { expectBalanced } from "../support/repair";
import { describe, expect, it } from "vitest";
import type { PoolShard } from "../../durable-objects/pool-shard";
import type { TickReport } from "../../src/wire/index";
import { admin, audit, createPool, putShow, verify } from "../support/api";
import { readJson } from "../support/api-client";
import { phase } from "../support/phases";
import { patchObjects, tick } from "../support/show";
import { shake, viewers } from "../support/viewers";

const SEC = 1000;

describe("leftovers", () => {
  it("rolls leftovers into the sponsor's next lottery phase; an interrupted move retried twice moves nothing twice", async () => {
    const now = Date.now();
    await putShow(
      [
        phase("a", "lottery", now - SEC, now + 60 * SEC, { sponsorIds: ["aurora", "jade"] }),
        phase("b", "lottery", now + 120 * SEC, now + 180 * SEC, { sponsorIds: ["aurora", "jade"] }),
      ],
      "leftovers",
    );
    await createPool({ phaseId: "a", sponsorId: "aurora", budgetCents: 50_000, count: 120 });
    await createPool({ phaseId: "a", sponsorId: "jade", budgetCents: 30_001, count: 77 });
    const tokens = await viewers(40);
    for (let round = 0; round < 3; round++) await Promise.all(tokens.map((t) => shake(t)));
    const before = await verify("a");
    const leftover = before.pools.reduce((sum, p) => sum + p.remainingCents, 0);
    expect(before.pools.reduce((sum, p) => sum + p.claimedCents, 0)).toBeGreaterThan(0);
    expect(leftover).toBeGreaterThan(0);

    // The close is interrupted: after four shards gave up their envelopes, the rest fail.
    let calls = 0;
    await patchObjects<PoolShard, "takeEnvelopes">(
      env.POOL_SHARD.getByName("shard-0"),
      "takeEnvelopes",
      (original) =>
        function (this: PoolShard, ...args: Parameters<PoolShard["takeEnvelopes"]>) {
          calls += 1;
          if (calls > 4) throw new Error("shard unreachable");
          return original.apply(this, args);
        },
      async () => {
        const stopped = await readJson<{ tick: TickReport }>(await admin("POST", "/timeline/phases/a/stop", {}));
        expect(stopped.tick.closedPhases).not.toContain("a");
        const midway = await audit();
        expectBalanced(midway);
        expect(midway.inTransitCents).toBeGreaterThan(0);
        expect(midway.inTransitCents).toBeLessThan(leftover);
      },
    );

    // Retried twice (sent together), then once more: every cent lands exactly once.
    await Promise.all([tick(), tick()]);
    expect((await tick()).movesPending).toEqual([]);
    const after = await audit();
    expect(after).toMatchObject({ balanced: true, inTransitCents: 0, returnedCents: 0, duplicateEnvelopeClaims: 0 });
    const closed = await verify("a");
    expect(closed.pass).toBe(true);
    for (const p of closed.pools) {
      const was = before.pools.find((x) => x.poolId === p.poolId)!;
      expect(p.movedOutCents).toBe(was.remainingCents);
      expect(p.remainingCents).toBe(0);
    }
    const rolled = await verify("b");
    expect(rolled.pass).toBe(true);
    expect(rolled.pools.map((p) => p.sponsorId).sort()).toEqual(["aurora", "jade"]);
    expect(rolled.pools.reduce((sum, p) => sum + p.movedInCents, 0)).toBe(leftover);
    expect(rolled.pools.reduce((sum, p) => sum + p.remainingCents, 0)).toBe(leftover);
    expect(rolled.moves.every((m) => m.state === "done" && m.takenCents === m.landedCents)).toBe(true);
    const stock = before.pools.reduce((n, p) => n + p.shards.reduce((k, s) => k + s.remainingCount, 0), 0);
    expect(rolled.pools.reduce((n, p) => n + p.shards.reduce((k, s) => k + s.remainingCount, 0), 0)).toBe(stock);
  });
});
