/**
 * The demo show of `npm start` is seeded by the show clock, never by a read: an empty
 * timeline gets the demo with its pools loaded on every shard, a second run seeds nothing
 * more, a finished demo is replaced by a new edition, a demo-mode timeline object runs the
 * clock as it starts, and its first read waits for the seed.
 */
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { Timeline } from "../../durable-objects/timeline";
import { DEMO_GALA_ID } from "../../src/domain/demo-show";
import { runShowClock } from "../../src/show/clock-run";
import { allShards, shardStub, timelineStub } from "../../src/objects";
import type { TickReport } from "../../src/wire/index";
import { admin, getTimeline } from "../support/api";
import { readJson } from "../support/api-client";
import { shake, viewers } from "../support/viewers";

const demoEnv = { ...env, DEMO_MODE: "on" };

const clockAt = (now: number) => runInDurableObject(timelineStub(env), (timeline: Timeline) => runShowClock(demoEnv, timeline, now));

async function stockOf(phaseId: string): Promise<number> {
  const perShard = await Promise.all(allShards(env).map((shard) => shardStub(env, shard).phaseStock(phaseId)));
  return perShard.flat().reduce((n, pool) => n + pool.count, 0);
}

describe("demo show", () => {
  it("is seeded by the show clock into an empty timeline, once, and replaced by a new edition once finished", async () => {
    await expect(getTimeline()).rejects.toThrow(/no timeline stored/);
    const now = Date.now();
    const first: TickReport = await clockAt(now);
    const seeded = await getTimeline();
    expect(seeded.galaId).toBe(DEMO_GALA_ID);
    const lottery = seeded.phases.find((p) => p.kind === "lottery" && p.startsAt <= now && now < p.endsAt)!;
    expect(await stockOf(lottery.id)).toBe(4_500);
    expect(first.nextAlarmAt).not.toBeNull();

    // A second run seeds nothing more; the viewers of `npm start` shake in its live lottery.
    await clockAt(Date.now());
    expect((await getTimeline()).version).toBe(seeded.version);
    expect((await readJson<{ pools: unknown[] }>(await admin("GET", "/pools"))).pools).toHaveLength(5);
    const answers = await Promise.all((await viewers(20)).map((token) => shake(token)));
    expect(answers.some((a) => a.kind === "envelope")).toBe(true);

    // Its last phase over, the clock (woken at the demo's end) seeds a new edition.
    const end = Math.max(...seeded.phases.map((p) => p.endsAt));
    expect(await runInDurableObject(timelineStub(env), (timeline: Timeline) => runShowClock(demoEnv, timeline, end - 1))).toMatchObject({
      nextAlarmAt: end,
    });
    await clockAt(end);
    const next = await getTimeline();
    expect(next.galaId).not.toBe(seeded.galaId);
    expect(next.galaId.startsWith(DEMO_GALA_ID)).toBe(true);
    expect((await readJson<{ pools: unknown[] }>(await admin("GET", "/pools"))).pools.length).toBeGreaterThanOrEqual(10);
  });

  it("runs the show clock as a demo-mode timeline object starts, and not otherwise", async () => {
    const alarmAfterStart = (name: string, objectEnv: Env) =>
      runInDurableObject(env.TIMELINE.getByName(name), async (_, state) => {
        await state.storage.deleteAlarm();
        new Timeline(state, objectEnv);
        return state.storage.getAlarm();
      });
    expect(await alarmAfterStart("demo-start", demoEnv)).toBeLessThanOrEqual(Date.now());
    expect(await alarmAfterStart("show-start", env)).toBeNull();
  });

  it("answers the first read of an empty demo-mode timeline with the seeded demo, never an empty show", async () => {
    const firstRead = (name: string, objectEnv: Env) =>
      runInDurableObject(env.TIMELINE.getByName(name), async (_, state) => {
        await state.storage.deleteAlarm();
        return new Timeline(state, objectEnv).read();
      });
    expect((await firstRead("demo-read", demoEnv))?.galaId).toBe(DEMO_GALA_ID);
    expect(await firstRead("show-read", env)).toBeNull();
  });
});
