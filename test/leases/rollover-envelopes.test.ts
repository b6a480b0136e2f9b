/**
 * Envelopes a leftover move deals into a rollover pool of a lease phase, lent by several lease
 * shards whose claims meet at one home shard (docs/money-flow.md, "Lease shards"). An envelope's
 * id names it wherever it travels: the home records a claim per envelope id, and takes a claim
 * bringing an envelope it holds leased for a waiting claim as that claim's lost merge answer. A
 * move used to name what it dealt `<move id>:<k>` on every destination shard, so two shards lent
 * envelopes of one id: the home refused the second claim for good (its merge failed on every
 * retry, "still merging"), or took it as the lost answer of a claim of its own loan, dropped that
 * claim unrecorded and left its cents counted as leased in the pool, which the audit named once
 * the phase closed: "stock left in closed phase …" on a `pool:roll-…` (the short rehearsal's
 * unexplained 1.94).
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardStub } from "../../src/objects";
import type { Phase } from "../../src/wire/index";
import type { LeasedClaim, LeaseGrant } from "../../src/wire/rpc";
import { audit, createPool, putShow } from "../support/api";
import { leasedClaim, lendFrom } from "../support/leases";
import { phase, SPONSORS } from "../support/phases";
import { expectBalanced } from "../support/repair";
import { jump, tick } from "../support/show";
import { eventually } from "../support/wait";

const SEC = 1000;
const SHARDS = Number(env.SHARD_COUNT);
const sponsorIds = [SPONSORS[0].id];

/**
 * A shard-claim lottery that ended with one envelope per shard left, closed by the show clock:
 * its leftovers roll into a rollover pool of a live edge-lease lottery, one envelope on each shard.
 */
async function rolloverIntoLeasePhase(tag: string): Promise<{ leasePhase: Phase; galaId: string }> {
  const now = Date.now();
  const first = phase(`first-${tag}`, "lottery", now - SEC, now + 60 * SEC, { sponsorIds });
  const leasePhase = phase(`lease-${tag}`, "lottery", now + 60 * SEC, now + 600 * SEC, { sponsorIds, issuance: "edge-leases" });
  const galaId = `gala-${tag}`;
  await putShow([first, leasePhase], galaId);
  await createPool({ phaseId: first.id, sponsorId: sponsorIds[0], budgetCents: SHARDS * 100, count: SHARDS });
  const live = { ...leasePhase, startsAt: now - 5 * SEC };
  await jump([{ ...first, startsAt: now - 20 * SEC, endsAt: now - 10 * SEC }, live]);
  const report = await tick();
  expect(report.closedPhases).toContain(first.id);
  return { leasePhase: live, galaId };
}

/**
 * The same with one envelope left on one shard: the rollover pool reaches that shard only, and
 * the others never hear of it; returns the shard holding the envelope.
 */
async function rolloverOfOne(tag: string): Promise<{ leasePhase: Phase; galaId: string; lender: number }> {
  const now = Date.now();
  const first = phase(`first-${tag}`, "lottery", now - SEC, now + 60 * SEC, { sponsorIds });
  const leasePhase = phase(`lease-${tag}`, "lottery", now + 60 * SEC, now + 600 * SEC, { sponsorIds, issuance: "edge-leases" });
  const galaId = `gala-${tag}`;
  await putShow([first, leasePhase], galaId);
  await createPool({ phaseId: first.id, sponsorId: sponsorIds[0], budgetCents: 1, count: 1 });
  const live = { ...leasePhase, startsAt: now - 5 * SEC };
  await jump([{ ...first, startsAt: now - 20 * SEC, endsAt: now - 10 * SEC }, live]);
  expect((await tick()).closedPhases).toContain(first.id);
  const stocked = await Promise.all(
    Array.from({ length: SHARDS }, async (_, shard) => (await shardStub(env, shard).phaseStock(live.id)).some((p) => p.count > 0)),
  );
  expect(stocked.filter(Boolean)).toHaveLength(1);
  return { leasePhase: live, galaId, lender: stocked.indexOf(true) };
}

/** The lease shard takes the claim in (queued for its home) and its flush merges it there now. */
async function reportAndMerge(shard: number, claim: LeasedClaim): Promise<void> {
  await runInDurableObject(shardStub(env, shard), async (s) => {
    const answer = await s.leaseExchange({ isolateId: `iso-${claim.claimId}`, claims: [claim], unused: [], want: null, now: Date.now() });
    expect(answer.recorded.map((r) => r.status)).toEqual(["merging"]);
    await s.alarm();
  });
}

/** The claim an isolate issues `who` on the one envelope of a lease. */
const only = (lease: LeaseGrant, who: { userId: string; homeShard: number; galaId: string }) =>
  leasedClaim(lease, lease.envelopes[0].envelopeId, who);
const holds = async (shard: number, claim: LeasedClaim) => (await shardStub(env, shard).claimPool(claim.userId, claim.claimId)) !== null;

describe("rollover envelopes lent by several lease shards", () => {
  it("records the claims of two shards' rollover envelopes at one home, each once", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { leasePhase, galaId } = await rolloverIntoLeasePhase(tag);
    const [L, H] = [0, 1];
    // H lends its rollover envelope and records its own viewer's claim at once (H is that viewer's home).
    const atHome = only(await lendFrom(H, leasePhase.id, 1), { userId: `u-${tag}`, homeShard: H, galaId });
    const own = await shardStub(env, H).leaseExchange({
      isolateId: `iso-h-${tag}`,
      claims: [atHome],
      unused: [],
      want: null,
      now: Date.now(),
    });
    expect(own.recorded.map((r) => r.status)).toEqual(["recorded"]);
    // L lends its rollover envelope to a viewer of the same home; the merge records it there too.
    const merged = only(await lendFrom(L, leasePhase.id, 1), { userId: `v-${tag}`, homeShard: H, galaId });
    await reportAndMerge(L, merged);
    expect((await audit(600_000)).leases.merging).toBe(0);
    expect(await holds(H, atHome)).toBe(true);
    expect(await holds(H, merged)).toBe(true);
    expectBalanced(await audit(600_000));
  });

  it("never takes another shard's rollover envelope for a waiting claim's lost answer: the closed phase keeps no cent", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { leasePhase, galaId } = await rolloverIntoLeasePhase(tag);
    const [L, H, M] = [0, 1, 2];
    // H lends its rollover envelope to a viewer whose home is M; the claim waits in H's outbox (its flush not run yet).
    const waiting = only(await lendFrom(H, leasePhase.id, 1), { userId: `u-${tag}`, homeShard: M, galaId });
    await runInDurableObject(shardStub(env, H), async (s, state) => {
      const answer = await s.leaseExchange({ isolateId: `iso-h-${tag}`, claims: [waiting], unused: [], want: null, now: Date.now() });
      expect(answer.recorded.map((r) => r.status)).toEqual(["merging"]);
      await state.storage.deleteAlarm();
    });
    // L's rollover envelope, won by a viewer whose home is H, merges into H.
    const arriving = only(await lendFrom(L, leasePhase.id, 1), { userId: `v-${tag}`, homeShard: H, galaId });
    await reportAndMerge(L, arriving);
    // H's flush merges its waiting claim into M.
    await runInDurableObject(shardStub(env, H), (s) => s.alarm());
    await eventually(
      () => audit(600_000),
      (a) => a.leases.merging === 0,
    );
    // The phase ends and closes once its claims are final: its other shards' rollover envelopes move on.
    await jump([{ ...leasePhase, endsAt: Date.now() - SEC }]);
    await eventually(tick, (r) => r.closedPhases.includes(leasePhase.id));
    expectBalanced(await audit(600_000));
    expect(await holds(H, arriving)).toBe(true);
    expect(await holds(M, waiting)).toBe(true);
  });

  it("counts a merged claim at a home the rollover pool never reached (a leftover of one envelope)", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { leasePhase, galaId, lender } = await rolloverOfOne(tag);
    const home = (lender + 1) % SHARDS;
    const claim = only(await lendFrom(lender, leasePhase.id, 1), { userId: `u-${tag}`, homeShard: home, galaId });
    await reportAndMerge(lender, claim);
    expect(await holds(home, claim)).toBe(true);
    // The home's books carry the pool it recorded a claim of, so the audit counts that claim.
    const pools = (await shardStub(env, home).books()).pools;
    expect(pools.find((p) => p.poolId === claim.poolId)).toMatchObject({ claimedCount: 1, claimedCents: claim.amountCents });
    await jump([{ ...leasePhase, endsAt: Date.now() - SEC }]);
    await eventually(tick, (r) => r.closedPhases.includes(leasePhase.id));
    expectBalanced(await audit(600_000));
  });
});
