/**
 * Faults in the money path: pool shards aborted (abortAllDurableObjects) or evicted
 * (evictDurableObject) in the middle of claim bursts, and claim calls whose answer is lost
 * after the shard committed (the call fails at the edge, as when a shard dies between its
 * write and its reply). The test asserts that these faults really hit in-flight calls. The
 * edge answers `busy`, never a 5xx; a client retrying with the same request id gets the
 * envelope the shard committed; afterwards the audit balances, no envelope went out twice
 * and every claim the shards recorded reached its winner.
 */
import { abortAllDurableObjects, evictDurableObject } from "cloudflare:test";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { expectBalanced } from "../support/repair";
import { describe, expect, it } from "vitest";
import { shardStub } from "../../src/objects";
import { shardFaults } from "../../src/edge/shard-claim";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import type { AuditReport, ShakeResponse, WonEnvelope } from "../../src/wire/index";
import { admin, createPool, session } from "../support/api";
import { callWith, deployedEnv, inBatches, shakeInit } from "../support/deployed";
import { SPONSORS } from "../support/phases";
import { liveLotteryShow, patchObjects } from "../support/show";
import { env } from "cloudflare:workers";

const ROUNDS = 5;
const BURST = 120;
/** Every LOST_EVERY-th claim call commits, then its answer is lost. */
const LOST_EVERY = 9;

/** Re-sends every busy answer's request id until none is busy (what an obeying client does). */
async function settle(
  shake: (i: number) => Promise<{ status: number; body: ShakeResponse }>,
  answers: ShakeResponse[],
): Promise<ShakeResponse[]> {
  const out = [...answers];
  for (let pass = 0; pass < 10 && out.some((b) => b.kind === "busy"); pass++) {
    await new Promise((r) => setTimeout(r, 200));
    const retry = out.flatMap((b, i) => (b.kind === "busy" ? [i] : []));
    const again = await inBatches(retry.length, 100, (k) => shake(retry[k]));
    retry.forEach((i, k) => (out[i] = again[k].body));
  }
  expect(out.filter((b) => b.kind === "busy")).toEqual([]);
  return out;
}

const won = (bodies: ShakeResponse[]) => bodies.flatMap((b): WonEnvelope[] => (b.kind === "envelope" ? [b.envelope] : []));

describe("shard faults during claim bursts", () => {
  it("loses nothing and issues nothing twice when shards die mid-burst", async () => {
    forgetTimeline();
    const sponsorIds = SPONSORS.slice(0, 3).map((s) => s.id);
    const { lotteryId } = await liveLotteryShow("faults", { sponsorIds });
    for (const sponsorId of sponsorIds) await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 75_000, count: 600 });
    const target = deployedEnv({ ISSUANCE_PACING: "off" });
    const users = await inBatches(120, 40, () => session());
    const shake = async (i: number): Promise<{ status: number; body: ShakeResponse }> => {
      const res = await callWith(target, "/api/shake", shakeInit(users[i % users.length].token, `f-${i}`));
      return { status: res.status, body: await res.json() };
    };
    const before = { ...shardFaults };
    let faults = 0;
    let calls = 0;
    const lost: string[] = [];
    const first: { status: number; body: ShakeResponse }[] = [];
    await patchObjects<PoolShard, "claimPaced">(
      shardStub(env, 0),
      "claimPaced",
      (original) =>
        function (this: PoolShard, ...args: Parameters<PoolShard["claimPaced"]>) {
          const answer = original.apply(this, args);
          if (++calls % LOST_EVERY === 0) {
            lost.push(args[0].requestId);
            throw new Error("injected: answer lost after the claim committed");
          }
          return answer;
        },
      async () => {
        for (let round = 0; round < ROUNDS; round++) {
          let done = false;
          const burst = inBatches(BURST, BURST, (k) => shake(round * BURST + k)).finally(() => (done = true));
          while (!done) {
            await new Promise((r) => setTimeout(r, 10));
            if (faults % 2 === 0) await abortAllDurableObjects();
            else await evictDurableObject(shardStub(env, faults % 8)).catch(() => undefined);
            faults++;
          }
          first.push(...(await burst));
        }
      },
    );
    // The injected faults hit calls in flight: the edge saw each lost answer as a failed call.
    expect(lost.length).toBeGreaterThan(0);
    expect(shardFaults.failed - before.failed).toBeGreaterThanOrEqual(lost.length);
    expect(first.filter((a) => a.status >= 500)).toEqual([]);
    expect(first.every((a) => a.status === 200)).toBe(true);

    // Clients retry busy answers with the same request id until the shard answers.
    const final = await settle(
      shake,
      first.map((a) => a.body),
    );
    // A lost answer's request id, retried, gets the envelope its shard committed.
    const lostWon = final.filter((b, i) => lost.includes(`f-${i}`) && b.kind === "envelope");
    expect(lostWon.length).toBeGreaterThan(0);

    // A replay of every request id gets the same envelope.
    const replay = await settle(
      shake,
      (await inBatches(final.length, 150, shake)).map((a) => a.body),
    );
    expect(
      won(replay)
        .map((e) => e.claimId)
        .sort(),
    ).toEqual(
      won(final)
        .map((e) => e.claimId)
        .sort(),
    );

    const envelopes = won(final);
    expect(new Set(envelopes.map((e) => e.claimId)).size).toBe(envelopes.length);
    const report: AuditReport = await (await admin("GET", "/audit")).json();
    expectBalanced(report);
    expect(report.duplicateEnvelopeClaims).toBe(0);
    const pools = report.pools.filter((p) => p.phaseId === lotteryId);
    expect(pools.reduce((n, p) => n + p.claimedCount, 0)).toBe(envelopes.length);
    const cents = envelopes.reduce((n, e) => n + e.amountCents, 0);
    expect(pools.reduce((n, p) => n + p.claimedCents, 0)).toBe(cents);
    const seen = {
      retried: shardFaults.retried - before.retried,
      timedOut: shardFaults.timedOut - before.timedOut,
      failed: shardFaults.failed - before.failed,
      overloaded: shardFaults.overloaded - before.overloaded,
    };
    console.log(
      `faults: ${first.length} shakes, ${faults} shard aborts/evictions, ${lost.length} answers lost after commit ` +
        `(${lostWon.length} of them envelopes, recovered by the retry), edge saw ${JSON.stringify(seen)}, ` +
        `${first.filter((a) => a.body.kind === "busy").length} busy then retried, ` +
        `${envelopes.length} envelopes (${cents} cents), audit problems: ${report.problems.length}`,
    );
  });
});
