/**
 * Loss mode 4, stock back in a pool after its leftover move landed (docs/reliability.md): a
 * close that missed an edge lease (injected: the shards answer the close that no lease holds
 * the phase's envelopes) takes the pool's stock, then the isolate hands its envelopes back
 * into the closed pool. The audit names it; the show clock moves it on in a new round of the
 * pool's leftover move, to where the first round sent it, exactly once under concurrent clock
 * runs and repairs and when a round fails half way; the sponsor statement reconciles. And the
 * two paths the close closes: a lease asked between its read of a shard and its take-out, and
 * an earlier phase's leftover move into its pools still in flight.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { shardStub } from "../../src/objects";
import type { AuditReport, SponsorStatement } from "../../src/wire/index";
import type { LeaseGrant } from "../../src/wire/rpc";
import { admin, audit, createPool, putShow, verify } from "../support/api";
import { lendFrom } from "../support/leases";
import { readJson } from "../support/api-client";
import { phase, SPONSORS } from "../support/phases";
import { expectBalanced, expectNamed, repair } from "../support/repair";
import { jump, patchObjects, tick } from "../support/show";

const SEC = 1000;
const SHARDS = Number(env.SHARD_COUNT);
const [AURORA, JADE] = [SPONSORS[0].id, SPONSORS[1].id];

/**
 * A live edge-lease lottery with a pool per sponsor (2 envelopes per shard), an isolate holding
 * a lease of shard 0, then the lottery's end and a close that does not see the lease: the
 * pools' stock leaves, and the isolate hands its lease back into the closed pools.
 */
async function strandLeasedStock(tag: string, sponsorIds: string[], later: boolean) {
  const now = Date.now();
  const lottery = phase(`lease-${tag}`, "lottery", now - SEC, now + 300 * SEC, { sponsorIds, issuance: "edge-leases" });
  const next = phase(`next-${tag}`, "lottery", now + 300 * SEC, now + 600 * SEC, { sponsorIds });
  await putShow(later ? [lottery, next] : [lottery], `gala-${tag}`);
  const pools = [];
  for (const sponsorId of sponsorIds) {
    pools.push((await createPool({ phaseId: lottery.id, sponsorId, budgetCents: SHARDS * 200, count: SHARDS * 2 })).pool);
  }
  const lease = await lendFrom(0, lottery.id, 2 * sponsorIds.length);
  const lentCents = lease.envelopes.reduce((n, e) => n + e.amountCents, 0);
  await jump(later ? [{ ...lottery, endsAt: Date.now() - SEC }, next] : [{ ...lottery, endsAt: Date.now() - SEC }]);
  await patchObjects<PoolShard, "returnLeases">(
    env.POOL_SHARD.getByName("shard-0"),
    "returnLeases",
    (original) =>
      function (this: PoolShard, ...args: Parameters<PoolShard["returnLeases"]>) {
        const out = original.apply(this, args);
        return args[0] === lottery.id ? { ...out, holding: 0, dueAt: null } : out;
      },
    async () => {
      // The minute cron's run: it closes the lottery (the lease unseen), its leftover move lands.
      expect((await tick()).closedPhases).toContain(lottery.id);
    },
  );
  const unused = [{ leaseId: lease.leaseId, envelopeIds: lease.envelopes.map((e) => e.envelopeId) }];
  await shardStub(env, 0).leaseExchange({ isolateId: "late", claims: [], unused, want: null, now: Date.now() });
  return { lottery, next, pools, lentCents };
}

const strandedCents = (report: AuditReport, poolIds: string[]) =>
  report.pools.filter((p) => poolIds.includes(p.poolId)).reduce((n, p) => n + p.remainingCents + p.leasedCents, 0);
const statement = async (sponsorId: string) => readJson<SponsorStatement>(await admin("GET", `/sponsors/${sponsorId}/statement`));

describe("loss mode 4: stock back in a pool after its leftover move landed", () => {
  it("lends nothing of a phase once its close has read the shard, whatever the armed window still says", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const now = Date.now();
    const lottery = phase(`race-${tag}`, "lottery", now - SEC, now + 300 * SEC, { sponsorIds: [AURORA], issuance: "edge-leases" });
    await putShow([lottery], `gala-${tag}`);
    const { pool } = await createPool({ phaseId: lottery.id, sponsorId: AURORA, budgetCents: SHARDS * 200, count: SHARDS * 2 });
    await tick();
    let granted: LeaseGrant | null = null;
    await patchObjects<PoolShard, "takeEnvelopes">(
      env.POOL_SHARD.getByName("shard-0"),
      "takeEnvelopes",
      (original) =>
        async function (this: PoolShard, ...args: Parameters<PoolShard["takeEnvelopes"]>) {
          // An isolate's lease call lands between the close's read of this shard and its take-out,
          // before the show clock re-arms the shards with the phase's new end.
          if (this.ctx.id.name === "shard-0" && args[1] === pool.poolId) {
            const at = Date.now();
            const want = { phaseId: lottery.id, count: 2, expiresAt: at + 60 * SEC, window: null };
            granted = (await this.leaseExchange({ isolateId: `iso-${tag}`, claims: [], unused: [], want, now: at })).lease;
          }
          return original.apply(this, args);
        } as unknown as PoolShard["takeEnvelopes"],
      async () => {
        // The operator stops the phase now; the show clock closes it.
        const stopped = await admin("POST", `/timeline/phases/${lottery.id}/stop`, {});
        expect(stopped.status).toBe(200);
        await tick();
        expect((await verify()).moves.some((m) => m.fromPoolId === pool.poolId && m.state === "done")).toBe(true);
      },
    );
    expect(granted).toBeNull();
    expectBalanced(await audit(300_000));
  });

  it("closes a phase only once an earlier phase's leftover move into its pools has landed", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const now = Date.now();
    const first = phase(`a-${tag}`, "lottery", now - SEC, now + 60 * SEC, { sponsorIds: [AURORA] });
    const second = phase(`b-${tag}`, "lottery", now + 60 * SEC, now + 120 * SEC, { sponsorIds: [AURORA] });
    await putShow([first, second], `gala-${tag}`);
    await createPool({ phaseId: first.id, sponsorId: AURORA, budgetCents: SHARDS * 200, count: SHARDS * 2 });
    // Both end at once; the first one's leftovers roll into the second, but shard 3 cannot receive them yet.
    await jump([
      { ...first, startsAt: now - 30 * SEC, endsAt: now - 20 * SEC },
      { ...second, startsAt: now - 20 * SEC, endsAt: now - 10 * SEC },
    ]);
    await patchObjects<PoolShard, "receiveEnvelopes">(
      env.POOL_SHARD.getByName("shard-0"),
      "receiveEnvelopes",
      (original) =>
        function (this: PoolShard, ...args: Parameters<PoolShard["receiveEnvelopes"]>) {
          if (this.ctx.id.name === "shard-3") throw new Error("injected: shard 3 unreachable");
          return original.apply(this, args);
        },
      async () => {
        const report = await tick();
        expect(report.movesPending.length).toBeGreaterThan(0);
        expect(report.closedPhases).not.toContain(second.id);
      },
    );
    const report = await tick();
    expect(report.closedPhases).toContain(second.id);
    expectBalanced(await audit(300_000));
  });

  it("is named by the audit and moved by the show clock into the rollover pool the first leftover move chose", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { lottery, next, pools, lentCents } = await strandLeasedStock(tag, [AURORA], true);
    const [pool] = pools;
    const before = await audit(300_000);
    expectNamed(before, `pool:${pool.poolId}`);
    expect(strandedCents(before, [pool.poolId])).toBe(lentCents);

    const report = await tick();
    expect(report.movesCompleted).toContain(`left:${pool.poolId}#1`);
    const after = await audit(300_000);
    expectBalanced(after);
    expect(strandedCents(after, [pool.poolId])).toBe(0);
    // Both rounds landed in the one rollover pool of the next lottery: the whole budget moved there.
    const rounds = (await verify()).moves.filter((m) => m.fromPoolId === pool.poolId);
    expect(rounds.map((m) => m.moveId).sort()).toEqual([`left:${pool.poolId}`, `left:${pool.poolId}#1`]);
    expect(new Set(rounds.map((m) => m.toPoolId)).size).toBe(1);
    const rollover = after.pools.find((p) => p.poolId === rounds[0].toPoolId)!;
    expect(rollover.phaseId).toBe(next.id);
    expect(rollover.movedInCents).toBe(pool.budgetCents);
    expect(rounds.every((m) => m.pass && m.inTransitCents === 0)).toBe(true);
    expect(rounds.find((m) => m.moveId.endsWith("#1"))!.landedCents).toBe(lentCents);
    expect(after.pools.find((p) => p.poolId === pool.poolId)?.phaseId).toBe(lottery.id);
    expect((await statement(AURORA)).reconciled).toBe(true);
    // Nothing left to move: another run plans no further round.
    expect((await tick()).movesCompleted.filter((id) => id.startsWith(`left:${pool.poolId}`))).toEqual([]);
  });

  it("moves it back to the sponsor exactly once under concurrent clock runs and repairs, a round failing half way", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { pools, lentCents } = await strandLeasedStock(tag, [AURORA, JADE], false);
    const poolIds = pools.map((p) => p.poolId);
    const before = await audit(300_000);
    expect(strandedCents(before, poolIds)).toBe(lentCents);

    // Shard 0's first take-out of a new round fails (the call lost on its way): that round stays planned.
    let takeOuts = 0;
    await patchObjects<PoolShard, "takeEnvelopes">(
      env.POOL_SHARD.getByName("shard-0"),
      "takeEnvelopes",
      (original) =>
        function (this: PoolShard, ...args: Parameters<PoolShard["takeEnvelopes"]>) {
          if (args[0].endsWith("#1") && takeOuts++ === 0) throw new Error("injected: take-out lost");
          return original.apply(this, args);
        },
      async () => {
        await Promise.all([tick(), repair(), tick(), repair(300_000), tick()]);
      },
    );
    expect(takeOuts).toBeGreaterThan(1);
    const after = await audit(300_000);
    expectBalanced(after);
    expect(strandedCents(after, poolIds)).toBe(0);
    // Every stranded cent went back to its sponsor once: the pools' whole budgets, in two rounds each.
    expect(after.returnedCents - before.returnedCents).toBe(lentCents);
    const rounds = (await verify()).moves.filter((m) => poolIds.includes(m.fromPoolId));
    expect(rounds.map((m) => m.moveId).sort()).toEqual(poolIds.flatMap((id) => [`left:${id}`, `left:${id}#1`]).sort());
    expect(rounds.every((m) => m.state === "done" && m.pass && m.toPoolId === null)).toBe(true);
    expect(rounds.reduce((n, m) => n + m.landedCents, 0)).toBe(pools.reduce((n, p) => n + p.budgetCents, 0));
    for (const sponsorId of [AURORA, JADE]) expect((await statement(sponsorId)).reconciled).toBe(true);
  });
});
