import { describe, expect, it } from "vitest";
import type { ApiErrorBody, StatsReport } from "../../src/wire/index";
import { admin, audit, createPool, putShow, verify } from "../support/api";
import { readJson } from "../support/api-client";
import { phase, SPONSORS } from "../support/phases";
import { shake, viewers } from "../support/viewers";
import { eventually, sleep } from "../support/wait";

const MIN = 60_000;

const statsUntil = (done: (s: StatsReport) => boolean) =>
  eventually(async () => readJson<StatsReport>(await admin("GET", "/stats")), done, 5_000);

describe("operator console figures", () => {
  it("counts shakes per phase and shard through isolate flushes, with issued and remaining stock", async () => {
    const now = Date.now();
    await putShow(
      [
        phase("live", "lottery", now - MIN, now + 10 * MIN, { sponsorIds: [SPONSORS[0].id] }),
        phase("later", "greeting", now + 20 * MIN, now + 30 * MIN),
        phase("unfunded", "lottery", now + 40 * MIN, now + 50 * MIN, { sponsorIds: [SPONSORS[0].id] }),
      ],
      "stats",
    );
    await createPool({ phaseId: "live", sponsorId: "aurora", budgetCents: 9_000, count: 30 });
    const tokens = await viewers(20);
    for (let round = 0; round < 3; round++) await Promise.all(tokens.map((t) => shake(t)));
    await sleep(60); // STATS_FLUSH_MS is 50 in tests: the next shake flushes everything counted so far
    await shake(tokens[0]);
    const stats = await statsUntil((s) => s.phases[0].totals.shakesSeen === 61);
    const [live, later, unfunded] = stats.phases;
    expect(live).toMatchObject({ phaseId: "live", state: "live", unfunded: false });
    expect(live.totals.candidates).toBe(61); // candidateRate 1
    expect(live.totals.shakeRate).toBeGreaterThan(0);
    const report = await audit();
    const claimed = report.pools.reduce((n, p) => n + p.claimedCount, 0);
    expect(live.totals.envelopesIssued).toBe(claimed);
    expect(live.totals.envelopesIssued).toBeGreaterThan(0);
    expect(live.totals.envelopesIssued + live.totals.remainingCount).toBe(30);
    expect(live.totals.issuedCents + live.totals.remainingCents).toBe(9_000);
    expect(live.shards).toHaveLength(8);
    expect(live.shards.reduce((n, s) => n + s.shakesSeen, 0)).toBe(61);
    expect(later).toMatchObject({ state: "upcoming", unfunded: false, totals: { shakesSeen: 0 } });
    expect(unfunded).toMatchObject({ state: "upcoming", unfunded: true });
    // The pool against its plan: 30 envelopes over 11 minutes, one of them gone; pacing is off in this suite.
    const [pool] = report.pools;
    expect(stats.issuancePacing).toBe(false);
    expect(live.pools).toEqual([
      {
        poolId: pool.poolId,
        sponsorId: "aurora",
        envelopes: 30,
        issued: claimed,
        planned: expect.any(Number),
        aheadOfPlan: claimed - live.pools[0].planned,
        pacedShards: 0,
      },
    ]);
    expect(live.pools[0].planned).toBeGreaterThanOrEqual(Math.floor(30 / 11));
    expect(live.pools[0].planned).toBeLessThanOrEqual(Math.ceil((30 * (Date.now() - (now - MIN))) / (11 * MIN)));
    expect(later.pools).toEqual([]);
  });

  it("verifies every pool per shard, and names an unknown phase", async () => {
    const check = await verify("live");
    expect(check.pass).toBe(true);
    expect(check.pools).toHaveLength(1);
    const [p] = check.pools;
    expect(p.shards).toHaveLength(8);
    expect(p.shards.every((s) => s.pass && s.loadedCents + s.movedInCents === s.claimedCents + s.remainingCents + s.movedOutCents)).toBe(
      true,
    );
    expect(p.budgetCents).toBe(p.claimedCents + p.remainingCents);
    const missing = await readJson<ApiErrorBody>(await admin("GET", "/verify?phaseId=nope"), 404);
    expect(missing.error.message).toMatch(/"nope"/);
  });
});
