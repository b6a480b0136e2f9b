/**
 * The tables of docs/performance.md's results from the bench's JSON reports (pure: reports in,
 * markdown out): `npm run bench:docs` writes them after its runs, and `npm run test:bench`
 * renders them from its smoke runs' reports so this code cannot rot either.
 */
/** Lines of each profile summary the report keeps. */
const PROFILE_LINES = 18;

const fmt = (n, digits = 0) =>
  n === null || n === undefined ? "–" : n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (r) => (r === null || r === undefined ? "–" : `${fmt(100 * r, 1)} %`);
const machineLine = (m) =>
  `${m.cores} × ${m.cpu}, load average ${(m.loadAverageAtStart ?? []).map((n) => fmt(n, 2)).join(" ")} at the start`;

/** The profile summaries a run printed, each cut to its first lines. */
export function profileBlocks(output) {
  return output
    .split("\nprofile of ")
    .slice(1)
    .map((block) => `profile of ${block.split("\n").slice(0, PROFILE_LINES).join("\n")}`);
}

function benchTable(report) {
  const hello = report.scenarios.find((s) => s.name === "hello-world");
  const rows = report.scenarios.map(
    (s) =>
      `| ${s.name} | ${fmt(s.rps)} | ${fmt(s.p50Ms)} | ${fmt(s.p99Ms)} | ${fmt(s.serverCpuUsPerReq)} | ${pct(s.cpuRatio)} | ${pct(s.wireCpuRatio)} | ${s.p99VsHello ? `${fmt(s.p99VsHello, 2)}×` : "–"} | ${fmt(s.envelopesPerShardCall, 1)} | ${fmt(100 * (s.answers?.unexpectedShare ?? 0), 2)} % | ${s.money ? (s.money.balanced ? "balanced" : "**UNBALANCED**") : "–"} |`,
  );
  return [
    `Machine: ${machineLine(report.machine)}; Node ${report.machine.node}, wrangler ${report.machine.wrangler}, ${report.machine.workerd}. Command: \`${report.command}\`. Hello-world in this run: ${fmt(hello?.rps)} req/s, ${fmt(hello?.serverCpuUsPerReq)} µs of server CPU per request.`,
    "",
    "| scenario | req/s | p50 ms | p99 ms | server CPU µs/req | of hello-world (CPU) | of its wire's calibration (CPU) | paced p99 / hello-world's | envelopes per shard call | unexpected answers | money |",
    "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...rows,
  ].join("\n");
}

function settleTable(report) {
  return [
    `Machine: ${machineLine(report.machine)}. Command: \`${report.command}\`.`,
    "",
    "| ledger partitions | claims drained | drain claims/s | open to ledger p50 ms | p99 ms | open to wallet p50 ms | p99 ms | audit |",
    "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ...report.rows.map(
      (r) =>
        `| ${r.partitions} | ${fmt(r.drain.settled)} | ${fmt(r.drain.claimsPerSecond)} | ${fmt(r.openToLedgerMs.p50)} | ${fmt(r.openToLedgerMs.p99)} | ${fmt(r.openToWalletMs.p50)} | ${fmt(r.openToWalletMs.p99)} | ${r.balanced ? "balanced" : "**UNBALANCED**"} |`,
    ),
  ].join("\n");
}

function ledgerTable(report) {
  return [
    `Machine: ${report.machine.cores} × ${report.machine.cpu}. Command: \`npm run bench:ledger\`.`,
    "",
    "| store | batch | in flight | credits/s |",
    "| --- | ---: | ---: | ---: |",
    ...report.rows.map((r) => `| ${r.store} | ${r.size} | ${r.parallel} | ${fmt(r.rowsPerSecond)} |`),
  ].join("\n");
}

function targets(bench, settle) {
  const row = (name) => bench.scenarios.find((s) => s.name === name);
  const lottery = row("shake-lottery");
  const one = row("claims-one-shard");
  const paced = row("shake-rest-80pct");
  const drain = settle.rows.find((r) => r.partitions === 1);
  const unexpected = bench.scenarios.filter((s) => s.answers && !s.answers.passed).map((s) => s.name);
  const verdict = (met) => (met ? "**met**" : "**missed**");
  return [
    "| target | result | |",
    "| --- | --- | --- |",
    `| no scenario above 0.5 % unexpected answers | ${unexpected.length ? unexpected.join(", ") : "none"} | ${verdict(unexpected.length === 0)} |`,
    `| shake-lottery ≥ 85 % of shake-rest's CPU per request | ${pct(lottery?.cpuOf?.["shake-rest"])} (${fmt(lottery?.serverCpuUsPerReq)} vs ${fmt(row("shake-rest")?.serverCpuUsPerReq)} µs) | ${verdict(lottery?.cpuOf?.["shake-rest"] >= 0.85)} |`,
    `| claims-one-shard ≥ 20 % of hello-world by CPU | ${pct(one?.cpuRatio)} (${fmt(one?.serverCpuUsPerReq)} µs) | ${verdict(one?.cpuRatio >= 0.2)} |`,
    `| settlement drain ≥ 5,000 claims/s into one partition | ${fmt(drain?.drain.claimsPerSecond)} claims/s, open to ledger p99 ${fmt(drain?.openToLedgerMs.p99)} ms, open to wallet p99 ${fmt(drain?.openToWalletMs.p99)} ms | ${verdict(drain?.drain.claimsPerSecond >= 5000)} |`,
    `| paced shake p99 ≤ 1.25 × paced hello-world's | ${paced?.p99VsHello ? `${fmt(paced.p99VsHello, 2)}×` : "–"} | ${verdict(paced?.p99VsHello <= 1.25)} |`,
  ].join("\n");
}

/**
 * The markdown report: `bench` (run.mjs's report), `settle` (settle.mjs's), `ledger`
 * (ledger-stores.mjs's), `profiles` (summaries profileBlocks cut from the profiled runs' output).
 */
export function performanceReport({ bench, settle, ledger, profiles }) {
  return [
    "# Figures for docs/performance.md",
    "",
    `Made by \`npm run bench:docs\` at ${new Date().toISOString()}.`,
    "",
    "## Targets (issue 28)",
    "",
    targets(bench, settle),
    "",
    "## npm run bench",
    "",
    benchTable(bench),
    "",
    "## Settlement from open to ledger (npm run bench:settle)",
    "",
    settleTable(settle),
    "",
    "## Ledger stores (npm run bench:ledger)",
    "",
    ledgerTable(ledger),
    "",
    "## Profiles",
    "",
    "```",
    ...profiles,
    "```",
    "",
  ].join("\n");
}
