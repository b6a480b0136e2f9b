/**
 * A cheater presenting leased wins (docs/money-flow.md, "Which claim a limit keeps"): two
 * wins of one sponsor, won without holdings on two isolates, presented together in one
 * request in any order, each twice, and replayed. Whatever the order, the earlier-issued win
 * is kept, the later one voided, and every answer tells the claim's state after the call: a
 * claim the same call displaced is never answered `recorded`. Presented well within MERGE_HORIZON_MS,
 * so neither claim is final yet.
 */
import { describe, expect, it } from "vitest";
import { audit } from "../support/api";
import { leaseShow, openWon, present, twoLeasedWins, type Won } from "../support/leases";
import { expectBalanced } from "../support/repair";

describe("presenting leased wins, as a cheater would", () => {
  it("keeps the earlier win whatever the order inside one presentation, answers each claim as it stands, and replays the same", async () => {
    await leaseShow(crypto.randomUUID().slice(0, 8), 400, 1);
    for (const [shard, order] of [
      [1, "later first"],
      [2, "earlier first"],
    ] as const) {
      const { v, first, second } = await twoLeasedWins(`${order.replace(" ", "-")}-${shard}`, shard);
      const [a, b] = order === "later first" ? [second, first] : [first, second];
      const kept = { claimId: first.envelope.claimId, status: "recorded" };
      const voided = { claimId: second.envelope.claimId, status: "voided", reason: "limit" };
      const expected = (won: Won) => (won === first ? kept : voided);
      expect(await present(v, [a.envelope.signedClaim!, b.envelope.signedClaim!]), order).toEqual([a, b].map(expected));
      // The same pair again, each twice in one request.
      const twice = [a, b, a, b];
      expect(
        await present(
          v,
          twice.map((w) => w.envelope.signedClaim!),
        ),
        order,
      ).toEqual(twice.map(expected));
      // Replayed, alone or together, later: the same answers, nothing recorded again.
      expect(await present(v, [second.envelope.signedClaim!]), order).toEqual([voided]);
      expect(await present(v, [first.envelope.signedClaim!, second.envelope.signedClaim!]), order).toEqual([kept, voided]);
      expect((await openWon(v, second)).status, order).toBe(409);
      expect((await openWon(v, first)).status, order).toBe(200);
    }
    const report = await audit(600_000);
    expectBalanced(report);
    expect(report.maxClaimsPerUserSponsor).toBe(1);
  });
});
