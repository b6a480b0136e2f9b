/**
 * Issuance pacing answers are idempotent: a candidate held back as `paced` gets `paced`
 * again for the same request id, even once the allowance has room, and a replayed win does
 * not count against the allowance twice.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

describe("paced answers at the shard", () => {
  it("replays a paced answer and a won claim for their request ids", async () => {
    const shard = env.POOL_SHARD.getByName(`paced-${crypto.randomUUID()}`);
    const phaseId = "paced-phase";
    await shard.loadPool({ poolId: "paced-pool", phaseId, sponsorId: "aurora", shard: 0, amounts: [100, 200, 300, 400] });
    const now = Date.now();
    // At the start of a long window the allowance is ceil(4 x 5 %) = 1 envelope.
    const window = { startsAt: now - 1_000, endsAt: now + 3_600_000 };
    const ask = (userId: string, requestId: string, w: typeof window | null = window) =>
      shard.claimPaced({ userId, requestId, phaseId, galaId: "gala", window: w, sentAt: Date.now() });

    const first = await ask("u1", "r1");
    expect(first.result.status).toBe("won");
    expect((await ask("u1", "r1")).result).toEqual(first.result);
    const held = await ask("u2", "r2");
    expect(held.result).toEqual({ status: "none", reason: "paced" });
    // Without pacing there is stock for u2, but its request id keeps its first answer.
    expect((await ask("u2", "r2", null)).result).toEqual({ status: "none", reason: "paced" });
    expect((await ask("u2", "r3", null)).result.status).toBe("won");
  });
});
