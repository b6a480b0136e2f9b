/**
 * Lease shards with several edge isolates against the same objects (docs/money-flow.md,
 * "Lease shards"): each isolate leases from its own lease shards (two at most), whoever its
 * viewers are; their claims are merged into each viewer's home shard in batches; one isolate
 * vanishes with a lease and unreported claims in hand, its winners present, its unissued
 * envelopes come back after the deadline, and the money balances to the cent with every win
 * recorded exactly once. The isolates are played in this one by switching the lease module's
 * state (`actAsIsolate`), one isolate's requests at a time.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { afterAll, describe, expect, it } from "vitest";
import { actAsIsolate, dropIsolateLeases } from "../../src/edge/edge-leases";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import { allShards, shardStub, userShard } from "../../src/objects";
import { audit, session, wallet } from "../support/api";
import { honestShakes, leaseInPlace, leaseShow, letIsolateReport, openWon, present, type Won } from "../support/leases";
import { expectBalanced, repair } from "../support/repair";
import type { Viewer } from "../support/viewers";
import { eventually, sleep } from "../support/wait";

const ISOLATES = 4;
const VIEWERS_PER_ISOLATE = 4;

/** Every lease granted, by the isolate it was lent to: the shards that lent to it. */
async function leaseShardsByIsolate(): Promise<Map<string, Set<number>>> {
  const byIsolate = new Map<string, Set<number>>();
  for (const shard of allShards(env)) {
    const isolates = await runInDurableObject(shardStub(env, shard), (_, state) =>
      state.storage.sql
        .exec<{ isolate_id: string }>("SELECT DISTINCT isolate_id FROM leases")
        .toArray()
        .map((r) => r.isolate_id),
    );
    for (const isolate of isolates) byIsolate.set(isolate, new Set([...(byIsolate.get(isolate) ?? []), shard]));
  }
  return byIsolate;
}

describe("lease shards with several isolates", () => {
  afterAll(() => {
    dropIsolateLeases();
    forgetTimeline();
  });

  it("leases per isolate, merges into home shards, and loses nothing when an isolate vanishes with a lease", async () => {
    forgetTimeline();
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 300, 2);
    const before = await leaseShardsByIsolate();
    const auditBefore = (await audit(600_000)).leases;

    const crowds: { isolate: string; viewers: Viewer[]; wins: Won[][] }[] = [];
    for (let k = 0; k < ISOLATES; k++) {
      const isolate = `${tag}-isolate-${k}`;
      actAsIsolate(isolate);
      const viewers = await Promise.all(Array.from({ length: VIEWERS_PER_ISOLATE + 2 }, () => session()));
      // Its lease in place first (a win from it, seen by a warm-up viewer, with any shard claim it won before), then the crowd shakes.
      const warm = await leaseInPlace(viewers.slice(VIEWERS_PER_ISOLATE), `${tag}-${k}-warm`);
      const crowd = viewers.slice(0, VIEWERS_PER_ISOLATE);
      const wins = await Promise.all(crowd.map((v) => honestShakes(v, 4, `${tag}-${k}`)));
      crowds.push({ isolate, viewers: [...crowd, warm.viewer], wins: [...wins, warm.wins] });
      // Its traffic goes on a moment (every isolate but the last, which is about to vanish): it
      // reports, and its lease shards merge the claims into the viewers' home shards.
      if (k < ISOLATES - 1) await letIsolateReport();
    }
    const leased = (wins: Won[][]) => wins.flat().filter((w) => w.envelope.signedClaim);
    for (const crowd of crowds) expect(leased(crowd.wins).length, crowd.isolate).toBeGreaterThan(0);

    // The last isolate vanishes with its lease (envelopes not issued yet) and its unreported claims.
    const lost = crowds[ISOLATES - 1];
    actAsIsolate(lost.isolate);
    dropIsolateLeases();
    const held = await audit(600_000);
    expectBalanced(held);
    expect(held.leases.outstandingCount).toBeGreaterThan(0);

    // The vanished isolate's winners present their signed claims (the PWA does on start): all recorded.
    for (const [i, v] of lost.viewers.entries()) {
      const claims = leased([lost.wins[i]]).map((w) => w.envelope.signedClaim!);
      if (claims.length > 0) expect(await present(v, claims)).toEqual(claims.map(() => expect.objectContaining({ status: "recorded" })));
    }

    // Each isolate leased from two shards at most, while its viewers live on more shards than that.
    const after = await leaseShardsByIsolate();
    const fresh = [...after].filter(([isolate]) => !before.has(isolate));
    expect(fresh.length).toBeGreaterThanOrEqual(ISOLATES);
    for (const [, shards] of fresh) expect(shards.size).toBeLessThanOrEqual(2);
    const homes = new Set(crowds.flatMap((c) => c.viewers.map((v) => userShard(env, v.userId))));
    expect(homes.size).toBeGreaterThan(2);

    // Past the lost lease's deadline its unissued envelopes are back in stock; nothing is voided.
    await sleep(Number(env.LEASE_TTL_MS) + Number(env.LEASE_PRESENT_MS) + 500);
    await repair(0);
    const back = await audit(600_000);
    expectBalanced(back);
    expect(back.leases.outstandingCount).toBe(0);
    expect(back.leases.merging).toBe(0);
    expect(back.leases.voided - auditBefore.voided).toBe(0);
    // Claims merged in batches: fewer merge calls than leased claims.
    const allLeased = crowds.flatMap((c) => leased(c.wins));
    const mergeCalls = back.leases.mergeCalls - auditBefore.mergeCalls;
    expect(mergeCalls).toBeGreaterThan(0);
    expect(mergeCalls).toBeLessThan(allLeased.length);

    // Every win recorded exactly once at its viewer's home, and opened into the wallet to the cent.
    const everyone = crowds.flatMap((crowd) => crowd.viewers.map((v, i) => ({ v, wins: crowd.wins[i] })));
    await Promise.all(
      everyone.map(async ({ v, wins }) => {
        const claims = await shardStub(env, userShard(env, v.userId)).userClaims(v.userId);
        expect(claims.map((c) => c.claimId).sort()).toEqual(wins.map((w) => w.envelope.claimId).sort());
        for (const w of wins) expect((await openWon(v, w)).status).toBe(200);
      }),
    );
    for (const { v, wins } of everyone) {
      const cents = wins.reduce((n, w) => n + w.envelope.amountCents, 0);
      await eventually(
        () => wallet(v.token),
        (w) => w.balanceCents === cents && w.pendingCents === 0,
        20_000,
      );
    }
    expectBalanced(await audit(600_000));
  });
});
