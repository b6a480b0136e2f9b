import { describe, expect, it } from "vitest";
import { nextShare, splitAmount, splitProblem } from "../../src/domain/split";
import { seededRandomInt } from "../../src/domain/random";

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe("double-mean split", () => {
  it("sums exactly, gives every share at least 1 cent and stays under the double-mean bound", () => {
    const rand = seededRandomInt("split-properties");
    const broken: string[] = [];
    for (let trial = 0; trial < 2_000; trial++) {
      const count = rand(1, 200);
      const amount = rand(count, count * rand(1, 5_000));
      let remaining = amount;
      const shares = splitAmount(amount, count, { minCents: 1, maxCents: null }, rand);
      if (sum(shares) !== amount) broken.push(`trial ${trial}: shares sum to ${sum(shares)}, not ${amount}`);
      shares.forEach((share, i) => {
        const left = count - i;
        const bound = left > 1 ? Math.max(1, Math.floor((2 * remaining) / left) - 1) : remaining;
        if (!Number.isInteger(share) || share < 1 || share > bound)
          broken.push(`trial ${trial}, share ${i}: ${share} outside [1, ${bound}]`);
        remaining -= share;
      });
    }
    expect(broken).toEqual([]);
  });

  it("honours a sponsor's min and max per envelope", () => {
    const rand = seededRandomInt("split-bounds");
    const broken: string[] = [];
    for (let trial = 0; trial < 1_000; trial++) {
      const count = rand(1, 300);
      const minCents = rand(1, 500);
      const maxCents = minCents + rand(0, 2_000);
      const amount = rand(count * minCents, count * maxCents);
      const shares = splitAmount(amount, count, { minCents, maxCents }, rand);
      if (sum(shares) !== amount) broken.push(`trial ${trial}: shares sum to ${sum(shares)}, not ${amount}`);
      const outside = shares.filter((share) => share < minCents || share > maxCents);
      if (outside.length > 0) broken.push(`trial ${trial}: ${outside.join(", ")} outside [${minCents}, ${maxCents}]`);
    }
    expect(broken).toEqual([]);
  });

  it("gives the whole remainder to the last share", () => {
    expect(nextShare(777, 1, { minCents: 1, maxCents: null }, () => 0)).toBe(777);
    expect(splitAmount(5, 5)).toEqual([1, 1, 1, 1, 1]);
  });

  it("is reproducible from a seed", () => {
    const a = splitAmount(1_000_000, 5_000, { minCents: 1, maxCents: null }, seededRandomInt("seed-1"));
    const b = splitAmount(1_000_000, 5_000, { minCents: 1, maxCents: null }, seededRandomInt("seed-1"));
    expect(a).toEqual(b);
  });

  it("rejects impossible splits with a reason", () => {
    expect(splitProblem(4, 5, { minCents: 1, maxCents: null })).toMatch(/below count/);
    expect(splitProblem(100, 2, { minCents: 1, maxCents: 10 })).toMatch(/exceeds/);
    expect(splitProblem(10.5, 2, { minCents: 1, maxCents: null })).toMatch(/integer/);
    expect(splitProblem(-3, 1, { minCents: 1, maxCents: null })).toMatch(/positive/);
    expect(splitProblem(100, 0, { minCents: 1, maxCents: null })).toMatch(/count/);
    expect(splitProblem(100, 2, { minCents: 10, maxCents: 5 })).toMatch(/maximum/);
    expect(() => splitAmount(4, 5)).toThrow(RangeError);
  });
});
