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

describe("leftover move ids", () => {
  it("keep the first round's id (the close's) and give every later round of a pool its own, and its own rollover pool", () => {
    const poolId = `pool-${crypto.randomUUID()}`;
    expect(leftoverMoveId(poolId)).toBe(`left:${poolId}`);
    expect(leftoverMoveId(poolId, 0)).toBe(`left:${poolId}`);
    const rounds = [0, 1, 2, 3].map((round) => leftoverMoveId(poolId, round));
    expect(new Set(rounds).size).toBe(4);
    expect(new Set(rounds.map(rolloverPoolId)).size).toBe(4);
    expect(leftoverMoveId(poolId, 2)).toBe(leftoverMoveId(poolId, 2));
  });
});
