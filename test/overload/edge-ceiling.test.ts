/**
 * The edge's own ceiling: an isolate past EDGE_RPS_CEILING shakes per second answers `busy`
 * at the shed level without deciding the shake; below it, nothing is shed. The bench lifts
 * this ceiling for its capacity scenarios and measures shedding in a scenario of its own.
 */
import { describe, expect, it } from "vitest";
import { SHED_LEVEL } from "../../src/domain/throttle";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import type { ShakeResponse } from "../../src/wire/index";
import { session } from "../support/api";
import { deployedEnv, inBatches, shakeWire } from "../support/gala";

const SHAKES = 20;

async function burst(ceiling: string, tag: string): Promise<{ body: ShakeResponse; retryAfter: string | null }[]> {
  const target = deployedEnv({ EDGE_RPS_CEILING: ceiling });
  const users = await inBatches(SHAKES, SHAKES, () => session());
  return inBatches(SHAKES, SHAKES, async (i) => {
    const res = await shakeWire(target, users[i].token, `${tag}-${i}`);
    expect(res.status).toBe(200);
    return { body: await res.json(), retryAfter: res.headers.get("Retry-After") };
  });
}

describe("the edge's own ceiling", () => {
  it("sheds shakes past EDGE_RPS_CEILING with busy at the shed level, and none below it", async () => {
    forgetTimeline();
    const below = await burst("10000", "edge-below");
    expect(below.filter((a) => a.body.kind === "busy")).toHaveLength(0);

    const past = await burst("5", "edge-past");
    const busy = past.filter((a) => a.body.kind === "busy");
    expect(busy.length).toBeGreaterThanOrEqual(SHAKES - 5);
    for (const a of busy) {
      expect(a.body.throttle.level).toBe(SHED_LEVEL);
      expect(Number(a.retryAfter)).toBe(Math.ceil(a.body.throttle.minIntervalMs / 1000));
    }
  });
});
