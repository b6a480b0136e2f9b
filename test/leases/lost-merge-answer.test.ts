/**
 * A merge answer lost on its way back to the lease shard (docs/money-flow.md, "Lease shards"):
 * the home recorded the claim, the lease shard still holds its envelope leased and the claim
 * waiting. Meanwhile the home displaces the claim (an earlier-issued one of the same person
 * arrives), restocks the envelope there, lends it again, and a claim on it by a viewer whose
 * home is the first lease shard merges back into that shard. The envelope was issued once
 * (the displaced claim is void): the lease shard takes its arrival as the lost answer (the
 * envelope left it for its home), so no envelope counts as claimed twice and the books balance
 * at every step; the retried merge then settles what still waits. And a claim merged out is
 * counted by its lease shard until it is final at its home, so a phase's close, which reads the
 * shards one by one, never misses it between them.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { shardStub } from "../../src/objects";
import { audit } from "../support/api";
import { leasedClaim, leaseShow, lendFrom } from "../support/leases";
import { expectBalanced } from "../support/repair";
import { eventually } from "../support/wait";

const L = 0; // the lease shard of the first loan
const H = 1; // the first viewer's home, which lends the displaced envelope again

const duplicates = async (shard: number) => (await shardStub(env, shard).books()).duplicateEnvelopeClaims;

describe("a merge answer lost to the lease shard", () => {
  it("an envelope displaced at its home, lent again and merged back into its first lease shard is not claimed twice", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { lotteryId } = await leaseShow(tag, 400, 1);
    const galaId = `gala-${tag}`;

    // L lends two envelopes; one viewer (home H) wins both from the one sponsor: the later-issued first reported.
    const loan = await lendFrom(L, lotteryId, 2);
    const [e0, e1] = loan.envelopes.map((e) => e.envelopeId);
    const u = { userId: `u-${tag}`, homeShard: H, galaId };
    const now = Date.now();
    const earlier = leasedClaim(loan, e0, u, now - 100);
    const later = leasedClaim(loan, e1, u, now);

    // L takes both claims in and queues them; its flush's answers are lost (the alarm that would retry is cleared).
    await runInDurableObject(shardStub(env, L), async (shard, state) => {
      const answer = await shard.leaseExchange({ isolateId: `iso-${tag}`, claims: [later, earlier], unused: [], want: null, now });
      expect(answer.recorded.map((r) => r.status)).toEqual(["merging", "merging"]);
      await state.storage.deleteAlarm();
    });
    // The calls reached H: the later claim recorded there first.
    expect(await shardStub(env, H).mergeClaims([later])).toEqual([{ claimId: later.claimId, status: "recorded", envelopeAtHome: true }]);
    // Read mid-merge (claimed at H, still leased and waiting at L): in motion, counted once, not a loss.
    const midMerge = await audit(600_000);
    expect(midMerge.leases.merging).toBe(2);
    expectBalanced(midMerge);
    // Then the earlier one: the later one is displaced, e1 restocked at H.
    expect((await shardStub(env, H).mergeClaims([earlier]))[0].status).toBe("recorded");

    // H lends e1 again; a viewer whose home is L wins it, and H's flush merges it into L.
    const again = await lendFrom(H, lotteryId, 400);
    expect(again.envelopes.map((e) => e.envelopeId)).toContain(e1);
    const other = leasedClaim(again, e1, { userId: `v-${tag}`, homeShard: L, galaId }, Date.now());
    expect(await shardStub(env, L).mergeClaims([other])).toEqual([{ claimId: other.claimId, status: "recorded", envelopeAtHome: true }]);

    // e1 is claimed once (by the other viewer): the lease L still holds for the waiting claim is not a second claim.
    expect(await duplicates(L)).toBe(0);
    const stillMerging = await audit(600_000);
    expect(stillMerging.leases.merging).toBeGreaterThan(0);
    expectBalanced(stillMerging);

    // L's retried merge: the earlier claim settles (recorded at H); the later one settled when e1 came back, its answer changes nothing.
    await runInDurableObject(shardStub(env, L), (shard) => shard.alarm());
    await eventually(
      () => audit(600_000),
      (a) => a.leases.merging === 0,
    );
    expect(await duplicates(L)).toBe(0);
    expectBalanced(await audit(600_000));
  });

  it("a claim merged out keeps its phase open at its lease shard until it is final at its home, whichever shard the close reads first", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    const { lotteryId } = await leaseShow(tag, 400, 1);
    const loan = await lendFrom(L, lotteryId, 1);
    const claim = leasedClaim(loan, loan.envelopes[0].envelopeId, { userId: `u-${tag}`, homeShard: H, galaId: `gala-${tag}` }, Date.now());
    await runInDurableObject(shardStub(env, L), async (shard) => {
      const answer = await shard.leaseExchange({ isolateId: `iso-${tag}`, claims: [claim], unused: [], want: null, now: Date.now() });
      expect(answer.recorded.map((r) => r.status)).toEqual(["merging"]);
      // The flush: H records the claim (not final for MERGE_HORIZON_MS, so H may still displace it) and L applies the answer.
      await shard.alarm();
    });
    expect((await audit(600_000)).leases.merging).toBe(0);
    // A close that read H before the merge saw nothing there; L, read after, still counts the claim until it is final.
    const out = await shardStub(env, L).returnLeases(lotteryId, Date.now());
    expect(out.holding).toBe(1);
    expect(out.dueAt).toBeGreaterThanOrEqual(claim.issuedAt + Number(env.MERGE_HORIZON_MS));
    await eventually(
      () => shardStub(env, L).returnLeases(lotteryId, Date.now()),
      (o) => o.holding === 0,
    );
  });
});
