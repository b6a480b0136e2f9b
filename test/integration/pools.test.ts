import { expectBalanced } from "../support/repair";
import { describe, expect, it } from "vitest";
import type { PoolRecord } from "../../src/wire/index";
import { admin, call, createPool, json, session, audit } from "../support/api";
import { liveLotteryShow } from "../support/show";

async function poolCount(): Promise<number> {
  return ((await (await admin("GET", "/pools")).json()) as { pools: PoolRecord[] }).pools.length;
}

describe("sponsor pools", () => {
  it("pre-splits a budget across every shard with per-shard sums that add up", async () => {
    const { lotteryId } = await liveLotteryShow("pool-split");
    const created = await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 1_234_567, count: 1_001 });
    expect(created.shards).toHaveLength(8);
    expect(created.shards.reduce((s, p) => s + p.sumCents, 0)).toBe(1_234_567);
    expect(created.shards.reduce((s, p) => s + p.count, 0)).toBe(1_001);
    expect(Math.max(...created.shards.map((p) => p.count)) - Math.min(...created.shards.map((p) => p.count))).toBeLessThanOrEqual(1);
    const report = await audit();
    expectBalanced(report);
    expect(report.pools.find((p) => p.poolId === created.pool.poolId)).toMatchObject({
      budgetCents: 1_234_567,
      remainingCents: 1_234_567,
      claimedCents: 0,
      balanced: true,
    });
  });

  it("honours min and max per envelope and reloading a pool changes nothing", async () => {
    const { lotteryId } = await liveLotteryShow("pool-bounds");
    const created = await createPool({
      phaseId: lotteryId,
      sponsorId: "jade",
      budgetCents: 50_000,
      count: 100,
      minCents: 200,
      maxCents: 800,
    });
    const reload = await admin("POST", `/pools/${created.pool.poolId}/load`);
    expect(reload.status).toBe(200);
    expect(((await reload.json()) as { shards: unknown }).shards).toEqual(created.shards);
    expectBalanced(await audit());
  });

  it("rejects bad input with a 4xx JSON error and writes nothing", async () => {
    const { lotteryId } = await liveLotteryShow("pool-bad-input");
    const before = await poolCount();
    const valid = { phaseId: lotteryId, sponsorId: "lantern", budgetCents: 1_000, count: 10 };
    const bad: unknown[] = [
      "{not json",
      "[]",
      { ...valid, phaseId: "no-such-phase" },
      { ...valid, sponsorId: "no-such-sponsor" },
      { ...valid, phaseId: `greeting-pool-bad-input` },
      { ...valid, budgetCents: -100 },
      { ...valid, budgetCents: 10.5 },
      { ...valid, budgetCents: "1000" },
      { ...valid, count: 0 },
      { ...valid, count: 2.5 },
      { ...valid, budgetCents: 9, count: 10 },
      { ...valid, minCents: 200 },
      { ...valid, maxCents: 50 },
      { ...valid, minCents: 50, maxCents: 20 },
      { ...valid, count: 10_000_000 },
      { ...valid, extra: true },
    ];
    for (const body of bad) {
      const res = await admin("POST", "/pools", body);
      expect(res.status, JSON.stringify(body)).toBeGreaterThanOrEqual(400);
      expect(res.status, JSON.stringify(body)).toBeLessThan(500);
      const error = (await res.json()) as { error: { code: string; message: string } };
      expect(error.error.code).toEqual(expect.any(String));
      expect(error.error.message).toEqual(expect.any(String));
    }
    expect(await poolCount()).toBe(before);
    expectBalanced(await audit());
  });

  it("answers malformed shakes, unknown routes and missing admin auth with JSON 4xx errors", async () => {
    const { token } = await session();
    const auth = { Authorization: `Bearer ${token}`, "Content-Type": "application/json" };
    for (const body of ["{", "null", '{"requestId":5}', '{"requestId":""}', `{"requestId":"${"x".repeat(100)}"}`]) {
      const res = await call("/api/shake", { method: "POST", headers: auth, body });
      expect(res.status, body).toBe(400);
    }
    expect((await call("/api/nope")).status).toBe(404);
    expect((await json("POST", "/api/admin/pools", {})).status).toBe(401);
    expectBalanced(await audit());
  });
});
