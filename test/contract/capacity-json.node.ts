/**
 * `npm run capacity -- --json` as a check reads it: the reference gala's lease shards
 * (issue 25) at the targets, read from the printed JSON, not from the model's functions.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

describe("npm run capacity -- --json", () => {
  it("prints the lease shards of the reference gala: >= 20 envelopes per shard call, lent <= 2 % of a phase, every shard under half its limit", () => {
    const run = spawnSync(process.execPath, ["load/capacity/run.ts", "--json"], { encoding: "utf8" });
    expect(run.status, run.stderr).toBe(0);
    const { leases } = JSON.parse(run.stdout) as {
      leases: {
        envelopesPerShardCall: number;
        lentShareOfPhase: number;
        shards: { count: number; callsPerShardPerSecond: number; perObjectLimit: number; callLoad: number; recordLoad: number };
      };
    };
    expect(leases.envelopesPerShardCall).toBeGreaterThanOrEqual(20);
    expect(leases.lentShareOfPhase).toBeGreaterThan(0);
    expect(leases.lentShareOfPhase).toBeLessThanOrEqual(0.02);
    expect(leases.shards.count).toBeGreaterThan(1);
    expect(leases.shards.callsPerShardPerSecond / leases.shards.perObjectLimit).toBeCloseTo(leases.shards.callLoad, 9);
    expect(leases.shards.callLoad).toBeLessThan(0.5);
    expect(leases.shards.recordLoad).toBeLessThan(0.5);
  });
});
