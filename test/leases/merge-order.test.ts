/**
 * The merge decides by issue order, not by the client (docs/money-flow.md, "Which claim a
 * limit keeps"): a viewer who sends no holdings wins twice from one sponsor on two isolates
 * and presents the later win first; the earlier one is what it keeps, the later one is
 * displaced (voided `limit`, its envelope back in stock) while it is not final yet, and a
 * claim never settles before it is final. Once final, a claim is never displaced: a claim
 * issued earlier but arriving after that is voided instead. MERGE_HORIZON_MS is 4 s here, and a lease returns 8 s after its grant (vitest.config.ts).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { audit, wallet } from "../support/api";
import { leasedWin, leaseInPlace, leaseShow, openWon, present, twoLeasedWins } from "../support/leases";
import { expectBalanced } from "../support/repair";
import { sessionsOnShard, shake } from "../support/viewers";
import { eventually, sleep } from "../support/wait";

const HORIZON_MS = Number(env.MERGE_HORIZON_MS);

/** Two leased wins of one viewer from the one sponsor on shard 0, in a show of its own. */
async function twoWins(tag: string) {
  await leaseShow(tag, 400, 1);
  return twoLeasedWins(tag, 0);
}

describe("the merge keeps claims in issue order", () => {
  it("one isolate never issues a viewer sending no holdings a second claim of a sponsor it already issued them", async () => {
    const tag = crypto.randomUUID().slice(0, 8);
    await leaseShow(tag, 400, 1);
    const [v, ...neighbours] = await sessionsOnShard(0, 6);
    const first = await leasedWin(v, neighbours, `${tag}-a`);
    await leaseInPlace(neighbours, `${tag}-m`);
    const again = await Promise.all(Array.from({ length: 8 }, (_, i) => shake(v.token, `${tag}-again-${i}`, { wire: "lean" })));
    expect(again.filter((a) => a.kind === "envelope")).toEqual([]);
    expect(await present(v, [first.envelope.signedClaim!])).toEqual([{ claimId: first.envelope.claimId, status: "recorded" }]);
  });

  it("keeps the earlier win when the later one is presented (and opened) first, and never settles the later one", async () => {
    const { v, first, second } = await twoWins(crypto.randomUUID().slice(0, 8));
    expect(await present(v, [second.envelope.signedClaim!])).toEqual([{ claimId: second.envelope.claimId, status: "recorded" }]);
    // Opening answers at once with the amount the viewer saw; its settlement waits for finality.
    expect((await openWon(v, second)).status).toBe(200);
    expect(await present(v, [first.envelope.signedClaim!])).toEqual([{ claimId: first.envelope.claimId, status: "recorded" }]);
    expect(await present(v, [second.envelope.signedClaim!])).toEqual([
      { claimId: second.envelope.claimId, status: "voided", reason: "limit" },
    ]);
    expect((await openWon(v, second)).status).toBe(409);
    expect((await openWon(v, first)).status).toBe(200);

    const settled = await eventually(
      () => wallet(v.token),
      (w) => w.pendingCents === 0 && w.balanceCents > 0,
      HORIZON_MS + 15_000,
    );
    expect(settled.balanceCents).toBe(first.envelope.amountCents);
    expect(settled.entries.map((e) => e.entryId)).toEqual([`claim:${first.envelope.claimId}`]);
    const report = await audit(600_000);
    expectBalanced(report);
    expect(report.maxClaimsPerUserSponsor).toBe(1);
  });

  it("never displaces a final claim: an earlier claim presented after the later one became final is voided", async () => {
    const { v, first, second } = await twoWins(crypto.randomUUID().slice(0, 8));
    expect(await present(v, [second.envelope.signedClaim!])).toEqual([{ claimId: second.envelope.claimId, status: "recorded" }]);
    await sleep(HORIZON_MS + 200);
    expect(await present(v, [first.envelope.signedClaim!])).toEqual([
      { claimId: first.envelope.claimId, status: "voided", reason: "limit" },
    ]);
    expect((await openWon(v, second)).status).toBe(200);
    const settled = await eventually(
      () => wallet(v.token),
      (w) => w.pendingCents === 0 && w.balanceCents > 0,
      15_000,
    );
    expect(settled.balanceCents).toBe(second.envelope.amountCents);
    expectBalanced(await audit(600_000));
  });
});
