/**
 * Plans that count eligibility (docs/overload.md, "Issuance pacing"): a viewer who holds a
 * sponsor's envelope may not take another of that sponsor, so a pool whose sponsor many
 * viewers already hold can only go to the few who do not. The shard weighs each pool by its
 * remaining plan over the share of the phase's candidates eligible for it, so that pool keeps
 * its plan instead of losing its few takers to the pools anyone may take. Candidates go
 * straight to one shard's production RPC (`claimPaced`) with a pacing window placed so that
 * each round of candidates arrives at the next tenth of the phase.
 */
import { env } from "cloudflare:workers";
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { issuanceAllowance } from "../../src/domain/pacing";
import { shuffled } from "../../src/domain/random";
import { shardStub } from "../../src/objects";
import { audit, createPool } from "../support/api";
import { inBatches } from "../support/deployed";
import { SPONSORS } from "../support/phases";
import { expectBalanced } from "../support/repair";
import { liveLotteryShow } from "../support/show";

const SHARD = 5;
const [HELD, OTHER] = SPONSORS.slice(0, 2).map((s) => s.id);
/** Envelopes of each pool on the shard (8 shards). */
const PER_SHARD = 400;
const PHASE_MS = 1_000_000;

/** Envelopes claimed on the shard per sponsor in the phase. */
async function claimedBySponsor(phaseId: string): Promise<Map<string, number>> {
  const rows = await runInDurableObject(shardStub(env, SHARD), (_, state) =>
    state.storage.sql
      .exec<{ sponsor_id: string; n: number }>(
        "SELECT sponsor_id, COUNT(*) AS n FROM claims WHERE phase_id = ? GROUP BY sponsor_id",
        phaseId,
      )
      .toArray(),
  );
  return new Map(rows.map((r) => [r.sponsor_id, r.n]));
}

describe("a pool whose sponsor many viewers already hold", () => {
  it("keeps its plan over the phase: its few eligible viewers are not handed to the other pool", async () => {
    const tag = `eligible-${crypto.randomUUID().slice(0, 6)}`;
    const { timeline, lotteryId } = await liveLotteryShow(tag, { sponsorIds: [HELD, OTHER] });
    for (const sponsorId of [HELD, OTHER]) {
      await createPool({ phaseId: lotteryId, sponsorId, budgetCents: PER_SHARD * 8 * 100, count: PER_SHARD * 8 });
    }
    const shard = shardStub(env, SHARD);
    let worstLag = 0;
    for (let step = 1; step <= 10; step++) {
      // Each round: 48 viewers who hold nothing, 36 whose signed holdings name the held sponsor;
      // 48 may take HELD, as many as its plan for the round (40) and a few more.
      const viewers = shuffled([...Array<boolean>(48).fill(false), ...Array<boolean>(36).fill(true)]);
      const startsAt = Date.now() - (step * PHASE_MS) / 10;
      await inBatches(viewers.length, 28, async (i) => {
        const userId = `${tag}-${step}-${i}`;
        const { result } = await shard.claimPaced({
          userId,
          requestId: "r",
          phaseId: lotteryId,
          galaId: timeline.galaId,
          signedSponsorsHeld: viewers[i] ? [HELD] : [],
          window: { startsAt, endsAt: startsAt + PHASE_MS },
          sentAt: Date.now(),
        });
        // Refused only by pacing, or in the last round when the pools run out (a holder of HELD once OTHER is empty: `limit`).
        const refusal = result.status === "won" ? null : result.reason;
        const endings = step === 10 ? ["empty", ...(viewers[i] ? ["limit"] : [])] : [];
        expect([null, "paced", ...endings], JSON.stringify(result)).toContain(refusal);
      });
      const planned = issuanceAllowance(PER_SHARD, { startsAt: 0, endsAt: 10 }, step) - PER_SHARD * 0.05;
      const claimed = await claimedBySponsor(lotteryId);
      worstLag = Math.max(worstLag, planned - (claimed.get(HELD) ?? 0));
      // The other pool, open to everyone, keeps its plan too (never ahead of its allowance as the
      // round ended: a slow round's claims arrive later in the phase than its tenth).
      expect(claimed.get(OTHER) ?? 0, `round ${step}`).toBeLessThanOrEqual(
        issuanceAllowance(PER_SHARD, { startsAt, endsAt: startsAt + PHASE_MS }, Date.now()) + 1,
      );
    }
    const claimed = await claimedBySponsor(lotteryId);
    // Weighed by stock alone (the rule before eligibility counted) HELD ends about 50 short of its 400 and lags by 45-75 on the way.
    expect(worstLag).toBeLessThanOrEqual(30);
    expect(claimed.get(HELD)).toBeGreaterThanOrEqual(375);
    expect(claimed.get(OTHER)).toBeGreaterThanOrEqual(380);
    expectBalanced(await audit(600_000));
  });
});
