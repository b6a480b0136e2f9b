import { describe, expect, it } from "vitest";
import { shardOf } from "../../src/domain/hash";
import { audit, createPool, putShow, session, verify } from "../support/api";
import { tick } from "../support/show";
import { phase, SPONSORS } from "../support/phases";
import { shake } from "../support/viewers";

const SEC = 1000;
const SHARDS = 8; // SHARD_COUNT in vitest.config.ts

describe("shard balance", () => {
  it("moves stock to a shard that ran dry during a live phase, keeping per-user limits exact", async () => {
    const now = Date.now();
    await putShow([phase("c", "lottery", now - SEC, now + 120 * SEC, { sponsorIds: [SPONSORS[0].id] })], "balance");
    await createPool({ phaseId: "c", sponsorId: "aurora", budgetCents: 16_000, count: 80 }); // 10 envelopes per shard
    const crowd: string[] = [];
    while (crowd.length < 30) {
      const batch = await Promise.all(Array.from({ length: 40 }, () => session()));
      for (const s of batch) if (shardOf(s.userId, SHARDS) === 0 && crowd.length < 30) crowd.push(s.token);
    }
    const winners = new Set<string>();
    const round = async () => {
      for (const [i, answer] of (await Promise.all(crowd.map((t) => shake(t)))).entries()) {
        if (answer.kind === "envelope") winners.add(crowd[i]);
      }
    };
    await round();
    await round();
    expect(winners.size).toBe(10);
    for (let i = 0; i < 4 && winners.size < 30; i++) {
      await Promise.all([tick(), round()]);
      await round();
    }
    expect(winners.size).toBeGreaterThan(10);
    const report = await audit();
    expect(report).toMatchObject({ balanced: true, inTransitCents: 0, maxClaimsPerUserSponsor: 1 });
    const check = await verify("c");
    expect(check.pass).toBe(true);
    const [p] = check.pools;
    expect(p.movedInCents).toBe(p.movedOutCents);
    expect(p.movedInCents).toBeGreaterThan(0);
    expect(p.shards[0].movedInCents).toBeGreaterThan(0);
    expect(check.moves.every((m) => m.kind === "rebalance" && m.pass)).toBe(true);
  });
});
