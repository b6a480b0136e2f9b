import { expectBalanced } from "../support/repair";
import { describe, expect, it } from "vitest";
import type { ShakeResponse } from "../../src/wire/index";
import { createPool, session, audit } from "../support/api";
import { liveLotteryShow } from "../support/show";
import { shake } from "../support/viewers";

describe("limits and conservation under real concurrency", () => {
  it("300 concurrent shakes from one user yield at most 3 envelopes, at most 1 per sponsor", async () => {
    const { lotteryId } = await liveLotteryShow("one-user");
    for (const sponsorId of ["aurora", "jade", "lantern", "phoenix"]) {
      await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 100_000, count: 400 });
    }
    const { token } = await session();
    const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => shake(token, `burst-${i}`)));
    const won = answers.flatMap((a) => (a.kind === "envelope" ? [a.envelope] : []));
    expect(won).toHaveLength(3);
    expect(new Set(won.map((e) => e.sponsorId)).size).toBe(3);
    const report = await audit();
    expect(report).toMatchObject({ balanced: true, maxClaimsPerUser: 3, maxClaimsPerUserSponsor: 1, duplicateEnvelopeClaims: 0 });
  });

  it("600 shakes from many users across shards balance to the cent with no envelope issued twice", async () => {
    const { lotteryId } = await liveLotteryShow("many-users");
    const alpha = await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 177_777, count: 1_200 });
    const beta = await createPool({ phaseId: lotteryId, sponsorId: "jade", budgetCents: 155_555, count: 1_000 });
    const users = await Promise.all(Array.from({ length: 200 }, () => session()));
    const answers: ShakeResponse[] = [];
    // Two waves win each user both sponsors' envelopes; the third finds every user at the limits.
    for (let wave = 0; wave < 3; wave++) {
      answers.push(...(await Promise.all(users.map((u) => shake(u.token, `wave-${wave}`)))));
    }
    expect(answers).toHaveLength(600);
    const won = answers.flatMap((a) => (a.kind === "envelope" ? [a.envelope] : []));
    // Every shard holds about 125+ envelopes per sponsor for about 25 users: each user wins both.
    expect(won.length).toBe(400);
    expect(new Set(won.map((e) => e.claimId)).size).toBe(won.length);
    const report = await audit();
    expectBalanced(report);
    expect(report.duplicateEnvelopeClaims).toBe(0);
    expect(report.maxClaimsPerUser).toBeLessThanOrEqual(3);
    for (const pool of [alpha, beta]) {
      const figures = report.pools.find((p) => p.poolId === pool.pool.poolId);
      const wonFromPool = won.filter((e) => e.sponsorId === pool.pool.sponsorId);
      expect(figures?.claimedCents).toBe(wonFromPool.reduce((s, e) => s + e.amountCents, 0));
      expect(figures?.claimedCount).toBe(wonFromPool.length);
      expect((figures?.claimedCents ?? 0) + (figures?.remainingCents ?? 0)).toBe(pool.pool.budgetCents);
    }
  });
});
