/**
 * A shard that answers later than SHARD_CALL_TIMEOUT_MS (docs/overload.md, "Shard trouble"):
 * the edge stops waiting and answers `busy` at level 3 with Retry-After, without calling the
 * shard again; the claim the shard records meanwhile is the one the client's retry with the
 * same request id gets, so the late answer loses nothing and issues nothing twice. The shard
 * stalls on a timer (an await, as a slow storage write or a busy machine would make it), so
 * the edge's own timer can fire while it waits.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { throttleHint } from "../../src/domain/throttle";
import { shardStub } from "../../src/objects";
import type { ShakeResponse } from "../../src/wire/index";
import { admin, createPool, session } from "../support/api";
import { deployedEnv, shakeWire } from "../support/deployed";
import { expectBalanced } from "../support/repair";
import { liveLotteryShow, patchObjects } from "../support/show";
import { sleep } from "../support/wait";

const TIMEOUT_MS = 300;
/** Far past the timeout, so an answer that waited for the shard cannot pass for one that did not (1.5 s: a busy answer came 1.77 s after the shake at load 12). */
const STALL_MS = 3_000;

describe("a shard slower than the edge's call timeout", () => {
  it("is answered busy at level 3 after the timeout, not called again, and the retry gets the claim the shard recorded", async () => {
    const { lotteryId } = await liveLotteryShow("shard-timeout", { sponsorIds: ["aurora"] });
    await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 2_000, count: 20 });
    const target = deployedEnv({ SHARD_CALL_TIMEOUT_MS: String(TIMEOUT_MS), ISSUANCE_PACING: "off" });
    const v = await session();
    let calls = 0;
    let first: { body: ShakeResponse; retryAfter: string | null; ms: number } | undefined;
    await patchObjects<PoolShard, "claimPaced">(
      shardStub(env, 0),
      "claimPaced",
      // The stalled method answers a promise: over RPC the edge awaits it like the plain answer.
      (original) =>
        async function (this: PoolShard, ...args: Parameters<PoolShard["claimPaced"]>) {
          calls++;
          await sleep(STALL_MS);
          return original.apply(this, args);
        } as unknown as PoolShard["claimPaced"],
      async () => {
        const started = Date.now();
        const res = await shakeWire(target, v.token, "slow-shard-1");
        first = { body: (await res.json()) as ShakeResponse, retryAfter: res.headers.get("Retry-After"), ms: Date.now() - started };
        expect(res.status).toBe(200);
        // Let the stalled call finish at the shard before the shard is itself again.
        await sleep(STALL_MS + 200);
      },
    );
    expect(first?.body.kind).toBe("busy");
    expect(first?.body.throttle).toEqual(throttleHint(3));
    expect(first?.retryAfter).toBe(String(throttleHint(3).minIntervalMs / 1000));
    expect(first?.ms).toBeLessThan(STALL_MS);
    expect(calls).toBe(1);

    const retried = (await (await shakeWire(target, v.token, "slow-shard-1")).json()) as ShakeResponse;
    expect(retried.kind).toBe("envelope");
    const again = (await (await shakeWire(target, v.token, "slow-shard-1")).json()) as ShakeResponse;
    expect(again.kind === "envelope" && again.envelope).toEqual(retried.kind === "envelope" && retried.envelope);
    const report = (await (await admin("GET", "/audit")).json()) as Parameters<typeof expectBalanced>[0] & { maxClaimsPerUser: number };
    expectBalanced(report);
    expect(report.maxClaimsPerUser).toBe(1);
  });
});
