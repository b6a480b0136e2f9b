import { describe, expect, it } from "vitest";
import { leftoverMoveId, rolloverPoolId } from "../../src/domain/moves";

describe("roll-over pool ids", () => {
  it("stay short and valid however many phases stock rolls through, and are repeatable", () => {
    let poolId = `pool-${crypto.randomUUID()}`;
    const seen = new Set<string>([poolId]);
    for (let phase = 0; phase < 20; phase++) {
      const next = rolloverPoolId(leftoverMoveId(poolId));
      expect(next).toBe(rolloverPoolId(leftoverMoveId(poolId)));
      expect(next).toMatch(/^[A-Za-z0-9_.:-]{1,64}$/);
      expect(seen.has(next)).toBe(false);
      seen.add(next);
      poolId = next;
    }
  });
});
