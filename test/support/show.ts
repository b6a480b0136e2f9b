/** Test timelines: a live lottery phase with sponsors, plus a greeting phase and a later one. */
import type { Phase, Timeline } from "../../src/wire/index";
import { phase, SPONSORS } from "./phases";
import { admin, putTimeline } from "./api";
import type { CreatePoolResponse } from "../../src/wire/index";
import type { ShardClaimRequest, ShardClaimResult } from "../../src/wire/rpc";
import type { PoolShard } from "../../durable-objects/pool-shard";

/** A show whose lottery phase `lottery` is live now; ids are unique per call. */
export async function liveLotteryShow(tag: string, extra: Partial<Phase> = {}): Promise<{ timeline: Timeline; lotteryId: string }> {
  const now = Date.now();
  const lotteryId = `lottery-${tag}`;
  const timeline = await putTimeline({
    galaId: `gala-${tag}`,
    sponsors: SPONSORS,
    phases: [
      phase(lotteryId, "lottery", now - 60_000, now + 600_000, extra),
      phase(`greeting-${tag}`, "greeting", now + 600_000, now + 900_000),
    ],
  });
  return { timeline, lotteryId };
}

export async function createPool(body: unknown): Promise<CreatePoolResponse> {
  const res = await admin("POST", "/pools", body);
  if (res.status !== 201) throw new Error(`pool creation failed: ${res.status} ${await res.text()}`);
  return res.json();
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
