/**
 * Claims nobody opened are settled when their phase closes: the audit names them as stuck
 * once the phase has ended, the cron handler enqueues them (idempotently), and they reach
 * the winners' wallets.
 */
import { createExecutionContext, createScheduledController, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { expectBalanced } from "../support/repair";
import { describe, expect, it } from "vitest";
import worker from "../../src/index";
import { settleClosedPhases } from "../../src/money/settlement-sweeps";
import type { TimelineEditResponse } from "../../src/wire/index";
import { admin, audit, putTimeline, wallet } from "../support/api";
import { openOk, winner } from "../support/lottery";
import { liveLottery } from "../support/show";
import { eventually } from "../support/wait";

describe("phase close", () => {
  it("settles unopened claims once their phase has ended", async () => {
    const { poolId, lotteryId } = await liveLottery("close", 64);
    const winners = await Promise.all(Array.from({ length: 8 }, () => winner()));
    const [openedA, openedB, ...unopened] = winners;
    await Promise.all([openOk(openedA), openOk(openedB)]);

    // While the phase is live the sweep leaves unopened claims alone.
    expect(await (await admin("POST", "/settlements/sweep")).json()).toEqual({ enqueued: 0 });
    const settled = async (w: typeof openedA) => (await wallet(w.token)).balanceCents === w.envelope.amountCents;
    await eventually(async () => (await settled(openedA)) && (await settled(openedB)));
    for (const w of unopened) expect((await wallet(w.token)).pendingCents).toBe(w.envelope.amountCents);

    // The phase ends now, once the setup is done however long it took.
    const stopped = await admin("POST", `/timeline/phases/${lotteryId}/stop`, {});
    expect(stopped.status).toBe(200);
    const { timeline } = (await stopped.json()) as TimelineEditResponse;
    const { endsAt } = timeline.phases.find((p) => p.id === lotteryId)!;

    // After the phase has ended and before the sweep, the audit fails naming each of them as
    // stuck (once the edge's cached timeline, TTL 500 ms here, has the new end).
    await eventually(async () => (await audit(0)).settlement.stuck.length > 0);
    const before = await audit(0);
    expect(before.balanced).toBe(false);
    for (const w of unopened) expect(before.problems.map((p) => p.place)).toContain(`claim:${w.envelope.claimId}`);
    expect(before.settlement.stuck.map((c) => c.claimId).sort()).toEqual(unopened.map((w) => w.envelope.claimId).sort());

    const controller = createScheduledController({ scheduledTime: endsAt + 1, cron: "* * * * *" });
    const ctx = createExecutionContext();
    await worker.scheduled(controller, env, ctx);
    await waitOnExecutionContext(ctx);
    expect(await settleClosedPhases(env, endsAt + 2)).toEqual({ enqueued: 0 });

    await eventually(async () => {
      const views = await Promise.all(winners.map((w) => wallet(w.token)));
      return views.every((v, i) => v.balanceCents === winners[i].envelope.amountCents && v.pendingCents === 0);
    });
    const after = await audit(0);
    expectBalanced(after);
    expect(after.settlement.stuck).toEqual([]);
    expect(after.settlement.pools.find((p) => p.poolId === poolId)).toMatchObject({ pendingCents: 0, settledCount: 8 });
  });

  it("settles unopened claims of a previous gala once the show clock retires its phases", async () => {
    const { poolId } = await liveLottery("retired", 16);
    const w = await winner();
    await putTimeline({ galaId: `after-retired-${crypto.randomUUID()}`, sponsors: [], phases: [] });
    expect((await admin("POST", "/show-clock/tick")).status).toBe(200);
    expect(await (await admin("POST", "/settlements/sweep")).json()).toEqual({ enqueued: 1 });
    await eventually(async () => (await wallet(w.token)).balanceCents === w.envelope.amountCents);
    const after = await audit(0);
    expectBalanced(after);
    expect(after.settlement.pools.find((p) => p.poolId === poolId)).toMatchObject({ pendingCents: 0, settledCount: 1 });
  });
});
