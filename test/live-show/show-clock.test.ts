import { timelineStub } from "../../src/objects";
import { env } from "cloudflare:workers";
import {
  createExecutionContext,
  createScheduledController,
  runDurableObjectAlarm,
  runInDurableObject,
  waitOnExecutionContext,
} from "cloudflare:test";
import { afterEach, describe, expect, it, vi } from "vitest";
import worker from "../../src/index";
import type { StatsReport } from "../../src/wire/index";
import { admin, audit, createPool, putShow, verify } from "../support/api";
import { readJson } from "../support/api-client";
import { phase, SPONSORS } from "../support/phases";
import { claimOnShard } from "../support/show";
import { shake, viewers } from "../support/viewers";
import { expectBalanced } from "../support/repair";

const SEC = 1000;

/** The worker's cron handler, as the minute trigger calls it. */
async function cron(at: number): Promise<void> {
  const ctx = createExecutionContext();
  await worker.scheduled(createScheduledController({ scheduledTime: at, cron: "* * * * *" }), env, ctx);
  await waitOnExecutionContext(ctx);
}

function at(time: number): void {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(time);
}

const shard0 = () => env.POOL_SHARD.getByName("shard-0");

afterEach(() => {
  vi.useRealTimers();
});

describe("show clock: cron arming, exact boundaries, alarm close", () => {
  it("arms shards from the cron, enforces startsAt/endsAt to the millisecond, closes by alarm and cron", async () => {
    const now = Date.now();
    const first = phase("first", "lottery", now + 60 * SEC, now + 120 * SEC, { sponsorIds: [SPONSORS[0].id] });
    const second = phase("second", "lottery", now + 300 * SEC, now + 360 * SEC, { sponsorIds: [SPONSORS[0].id] });
    await putShow([first, second], "clock");
    await createPool({ phaseId: "first", sponsorId: "aurora", budgetCents: 40_000, count: 80 });
    await cron(now);
    expect(await runInDurableObject(timelineStub(env), (_, state) => state.storage.getAlarm())).toBe(first.endsAt);
    const windows = await runInDurableObject(shard0(), (_, state) =>
      state.storage.sql.exec("SELECT phase_id, starts_at, ends_at FROM phase_windows ORDER BY starts_at").toArray(),
    );
    expect(windows).toEqual([
      { phase_id: "first", starts_at: first.startsAt, ends_at: first.endsAt },
      { phase_id: "second", starts_at: second.startsAt, ends_at: second.endsAt },
    ]);

    const claim = (userId: string) => claimOnShard(shard0(), { userId, requestId: `${userId}-1`, phaseId: "first" });
    at(first.startsAt - 1);
    expect(await claim("early")).toEqual({ status: "none", reason: "closed" });
    at(first.startsAt);
    expect((await claim("on-time")).status).toBe("won");
    at(first.endsAt - 1);
    expect((await claim("last-ms")).status).toBe("won");
    at(first.endsAt);
    expect(await claim("late")).toEqual({ status: "none", reason: "closed" });

    // The edge's own countdown: 1 ms before startsAt a shake rests, 1 ms after it may win.
    const [token] = await viewers(1);
    at(first.startsAt - 1);
    expect((await shake(token)).kind).toBe("rest");
    at(first.startsAt + 1);
    expect((await shake(token)).kind).toBe("envelope");

    // The timeline object's alarm closes the phase at endsAt: leftovers roll into "second".
    at(first.endsAt);
    expect(await runDurableObjectAlarm(timelineStub(env))).toBe(true);
    const closed = await verify("first");
    expect(closed.pass).toBe(true);
    const [firstPool] = closed.pools;
    expect(firstPool.claimedCents + firstPool.movedOutCents).toBe(40_000);
    expect(firstPool.remainingCents).toBe(0);
    const rolled = await verify("second");
    expect(rolled.pools).toHaveLength(1);
    expect(rolled.pools[0]).toMatchObject({
      budgetCents: 0,
      movedInCents: firstPool.movedOutCents,
      remainingCents: firstPool.movedOutCents,
    });
    expect(rolled.pools[0].shards.filter((s) => s.remainingCents > 0).length).toBe(8);

    // The minute cron closes "second" once it is over; with no later lottery phase for the
    // sponsor, its leftovers go back to the sponsor's unallocated budget.
    at(second.endsAt + 30 * SEC);
    await cron(second.endsAt + 30 * SEC);
    const report = await audit();
    expectBalanced(report);
    expect(report.returnedCents).toBe(firstPool.movedOutCents);
    expect(report.inTransitCents).toBe(0);
    const stats = await readJson<StatsReport>(await admin("GET", "/stats"));
    expect(stats.phases.map((p) => [p.phaseId, p.state])).toEqual([
      ["first", "closed"],
      ["second", "closed"],
    ]);
  });
});
