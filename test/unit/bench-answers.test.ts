/**
 * The bench's verdict on a scenario's answers (load/bench/answers.mjs; DESIGN.md, "Honest
 * measurements"): answers of kinds the scenario did not expect, no-answers included, fail it
 * above 0.5 %, and a scenario with no answers at all fails too.
 */
import { describe, expect, it } from "vitest";

type Judged = { answers: number; counted: number; unexpected: Record<string, number>; passed: boolean };
const { judgeAnswers, describeUnexpected } = (await import("../../load/bench/answers.mjs" as string)) as {
  judgeAnswers(scenario: { expect: string[] }, kinds: Record<string, number>, failed?: number): Judged;
  describeUnexpected(name: string, judged: Judged): string;
};

const rest = { expect: ["rest"] };

describe("the bench's answer verdict", () => {
  it("passes a scenario with up to 0.5 % unexpected answers and counts only the expected ones", () => {
    expect(judgeAnswers(rest, { rest: 1_000, busy: 5 })).toMatchObject({ answers: 1_005, counted: 1_000, passed: true });
  });

  it("fails past 0.5 % of unexpected kinds or of requests that got no answer, naming them", () => {
    const busy = judgeAnswers(rest, { rest: 1_000, busy: 6 });
    expect(busy.passed).toBe(false);
    expect(describeUnexpected("shake-rest", busy)).toMatch(/^shake-rest: 6 of 1,006 answers .* busy 6 \(limit 0.5 %\)$/);
    expect(judgeAnswers(rest, { rest: 1_000 }, 6)).toMatchObject({ unexpected: { "no-answer": 6 }, passed: false });
  });

  it("fails a scenario that got no answers at all", () => {
    expect(judgeAnswers(rest, {}).passed).toBe(false);
    expect(judgeAnswers(rest, {}, 0).passed).toBe(false);
  });
});
