/**
 * Test shows: a lottery phase live now (a greeting phase after it), with or without a pool;
 * the show clock run now; a claim sent straight to a shard; a method of every object of a
 * class replaced for a while (to make it fail or to watch its calls); a clock jump.
 */
import { runInDurableObject } from "cloudflare:test";
import type { Phase, TickReport, Timeline } from "../../src/wire/index";
import type { ShardClaimRequest, ShardClaimResult } from "../../src/wire/rpc";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { timelineStub } from "../../src/objects";
import { admin, createPool, getTimeline, putShow } from "./api";
import { readJson } from "./api-client";
import { phase, SPONSORS } from "./phases";

/** A show whose lottery phase (`lottery-<tag>`, every sponsor, every shake a candidate unless `extra` says otherwise) is live now. */
export async function liveLotteryShow(tag: string, extra: Partial<Phase> = {}): Promise<{ timeline: Timeline; lotteryId: string }> {
  const now = Date.now();
  const lotteryId = `lottery-${tag}`;
  const timeline = await putShow(
    [phase(lotteryId, "lottery", now - 60_000, now + 600_000, extra), phase(`greeting-${tag}`, "greeting", now + 600_000, now + 900_000)],
    `gala-${tag}`,
  );
  return { timeline, lotteryId };
}

/**
 * A live lottery of the first sponsor, live for a minute (a test ends it sooner with the stop
 * endpoint), with a pool of `count` envelopes of 1.00 on average.
 */
export async function liveLottery(tag: string, count: number): Promise<{ poolId: string; lotteryId: string }> {
  const sponsorId = SPONSORS[0].id;
  const { lotteryId } = await liveLotteryShow(tag, { endsAt: Date.now() + 60_000, sponsorIds: [sponsorId] });
  const { pool } = await createPool({ phaseId: lotteryId, sponsorId, budgetCents: count * 100, count });
  return { poolId: pool.poolId, lotteryId };
}

/** Runs the show clock now (arm shards, close ended phases, finish moves, rebalance); its report. */
export async function tick(): Promise<TickReport> {
  return readJson<TickReport>(await admin("POST", "/show-clock/tick"));
}

/**
 * One claim through the shard's production RPC (`claimPaced`) with pacing off, as the edge
 * sends it for a lottery candidate; returns the shard's answer.
 */
export async function claimOnShard(
  shard: DurableObjectStub<PoolShard>,
  request: Omit<ShardClaimRequest, "galaId"> & { galaId?: string },
): Promise<ShardClaimResult> {
  return (await shard.claimPaced({ galaId: "gala", ...request, window: null, sentAt: Date.now() })).result;
}

/**
 * Replaces a method on a Durable Object class's prototype (so on every instance of it, e.g.
 * every shard) for the duration of `body`, to make an object fail or to observe its calls.
 */
export async function patchObjects<O extends object, K extends keyof O>(
  stub: DurableObjectStub,
  name: K,
  replacement: (original: O[K]) => O[K],
  body: () => Promise<void>,
): Promise<void> {
  const proto: O = await runInDurableObject(stub, (instance) => Object.getPrototypeOf(instance));
  const original = proto[name];
  proto[name] = replacement(original);
  try {
    await body();
  } finally {
    proto[name] = original;
  }
}

/** Writes the running order as stored, past the edit checks (what a clock jump makes of it). */
export async function jump(phases: Phase[]): Promise<void> {
  const current = await getTimeline();
  const written = await timelineStub(env).write({ galaId: current.galaId, sponsors: current.sponsors, phases }, current.version);
  expect(written.ok).toBe(true);
}
