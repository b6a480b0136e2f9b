/**
 * What a scenario's answers say about the run. Every scenario declares the answer kinds it
 * expects (`expect`): its req/s and CPU per request count only those answers, and any other
 * kind (a `busy` the scenario did not ask for, an `http-400`, a connection error or timeout)
 * above UNEXPECTED_LIMIT of its answers fails the run, naming the scenario and the kinds.
 */

/** The share of a scenario's answers that may be of kinds it did not expect. */
export const UNEXPECTED_LIMIT = 0.005;

/**
 * `kinds`: answers by kind as the driver counted them; `failed`: requests that got no answer
 * (connection errors, timeouts), counted as the kind `no-answer`.
 */
export function judgeAnswers(scenario, kinds, failed = 0) {
  const all = failed > 0 ? { ...kinds, "no-answer": failed } : kinds;
  let answers = 0;
  let counted = 0;
  const unexpected = {};
  for (const [kind, count] of Object.entries(all)) {
    answers += count;
    if (scenario.expect.includes(kind)) counted += count;
    else unexpected[kind] = count;
  }
  const unexpectedCount = Object.values(unexpected).reduce((n, c) => n + c, 0);
  const unexpectedShare = answers > 0 ? unexpectedCount / answers : 1;
  return {
    answers,
    counted,
    unexpected,
    unexpectedCount,
    unexpectedShare,
    passed: answers > 0 && unexpectedShare <= UNEXPECTED_LIMIT,
  };
}

/** "open-settle: 4,120 of 4,120 answers (100.0 %) of kinds it does not expect: http-400 4,120 (limit 0.5 %)" */
export function describeUnexpected(name, judged) {
  const kinds = Object.entries(judged.unexpected)
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count.toLocaleString("en-US")}`)
    .join(", ");
  if (judged.answers === 0) return `${name}: no answers at all`;
  return `${name}: ${judged.unexpectedCount.toLocaleString("en-US")} of ${judged.answers.toLocaleString("en-US")} answers (${(100 * judged.unexpectedShare).toFixed(1)} %) of kinds it does not expect: ${kinds} (limit ${100 * UNEXPECTED_LIMIT} %)`;
}
