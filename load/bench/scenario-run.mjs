/**
 * One bench scenario: prepare it, warm up, measure it with the load driver in its own
 * process while sampling the server's CPU, audit the money before and after, and return its
 * row (req/s, latency, errors, ratios to the hello-world ceiling, money, verdicts).
 */
import { fork } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { judgeAnswers } from "./answers.mjs";
import { cpuSeconds } from "./cpu.mjs";
import { printSummary, startProfile, summarise, writeProfile } from "./profile.mjs";

/** The load driver's process (driver.mjs), forked on first use and kept for the whole run. */
let driver = null;

/** Runs one pass of load in the driver's process and returns its figures. */
function drive(spec, seconds) {
  if (!driver) {
    driver = fork(join(import.meta.dirname, "driver.mjs"), [], { stdio: ["ignore", "inherit", "inherit", "ipc"] });
    const child = driver;
    child.on("exit", () => {
      if (driver === child) driver = null;
    });
  }
  const child = driver;
  return new Promise((resolvePromise, reject) => {
    const onExit = (code) => {
      clearTimeout(timer);
      reject(new Error(`load driver exited with ${code}`));
    };
    const timer = setTimeout(
      () => {
        child.off("exit", onExit);
        child.kill();
        reject(new Error(`load driver still running ${seconds + 30} s into a ${seconds} s pass`));
      },
      (seconds + 30) * 1000,
    );
    child.once("exit", onExit);
    child.once("message", ({ figures, error }) => {
      clearTimeout(timer);
      child.off("exit", onExit);
      if (error) reject(new Error(`load driver: ${error}`));
      else resolvePromise(figures);
    });
    child.send(spec);
  });
}

/** Lets the bench exit: the driver's process ends when it loses its channel. */
export function stopDriver() {
  driver?.disconnect();
  driver = null;
}

/** The audit's figures a row keeps; `leases` (edge leases' shard calls and claims) when the audit has them. */
export function moneySummary(audit) {
  const claimedCount = audit.pools.reduce((n, p) => n + p.claimedCount, 0);
  return {
    balanced: audit.balanced,
    claimedCount,
    duplicateEnvelopeClaims: audit.duplicateEnvelopeClaims,
    ...(audit.leases ? { leases: audit.leases } : {}),
  };
}

/** What changed between two money summaries: envelopes claimed, and lease calls and claims when counted. */
function moneyDelta(before, after) {
  const delta = { ...after, claimedDuringRun: after.claimedCount - before.claimedCount };
  if (before.leases && after.leases) {
    delta.leasesDuringRun = {
      calls: after.leases.calls - before.leases.calls,
      mergeCalls: (after.leases.mergeCalls ?? 0) - (before.leases.mergeCalls ?? 0),
      recorded: after.leases.recorded - before.leases.recorded,
      voided: after.leases.voided - before.leases.voided,
    };
  }
  return delta;
}

function verdicts(scenario, result, ceilingRps, results) {
  const out = [];
  if (scenario.targetCpuOf) {
    const [other, ratio] = scenario.targetCpuOf;
    const theirs = results[other]?.serverCpuUsPerReq;
    result.cpuOf = { [other]: theirs && result.serverCpuUsPerReq ? theirs / result.serverCpuUsPerReq : null };
    out.push({ target: `>= ${ratio * 100}% of ${other}'s CPU`, met: result.cpuOf[other] !== null && result.cpuOf[other] >= ratio });
  }
  if (scenario.targetRatio) {
    out.push({ target: `>= ${scenario.targetRatio * 100}% of ceiling`, met: result.rps >= scenario.targetRatio * ceilingRps });
  }
  if (scenario.targetRps) out.push({ target: `>= ${scenario.targetRps} req/s`, met: result.rps >= scenario.targetRps });
  if (scenario.targetCpuRatio) {
    out.push({
      target: `>= ${scenario.targetCpuRatio * 100}% of ceiling by CPU`,
      met: result.cpuRatio !== null && result.cpuRatio >= scenario.targetCpuRatio,
    });
  }
  if (scenario.targetEnvelopesPerShardCall) {
    out.push({
      target: `>= ${scenario.targetEnvelopesPerShardCall} envelopes per shard call`,
      met: (result.envelopesPerShardCall ?? 0) >= scenario.targetEnvelopesPerShardCall,
    });
  }
  if (scenario.maxP99VsHello) {
    out.push({
      target: `p99 <= ${scenario.maxP99VsHello} x paced hello-world's`,
      met: result.p99VsHello !== null && result.p99VsHello <= scenario.maxP99VsHello,
    });
  }
  return out;
}

/**
 * Runs one scenario against the servers. `results` holds the rows measured so far in this
 * run (hello-world first: its figures are the ceiling every ratio divides by). With
 * `requests`, the measured pass is that many requests instead of `durationSec` (smoke runs).
 */
export async function runScenario(
  scenario,
  { ctx, servers, results, connections, warmupSec, durationSec, requests = null, outDir, profile = false },
) {
  const { holdings, ...plan } = await scenario.prepare(ctx);
  const holdingsFile = holdings ? join(outDir, `holdings-${process.pid}.json`) : null;
  if (holdingsFile) rmSync(holdingsFile, { force: true });
  const server = servers[scenario.target];
  const onAppObjects = scenario.target === "app" || scenario.target === "edges";
  const base = {
    ...(server.urls ? { urls: server.urls } : { url: server.url }),
    connections,
    requestIdPrefix: `${scenario.name}-${Date.now()}`,
    ...plan,
    ...(holdingsFile ? { holdingsFile } : {}),
    ...(scenario.rate ? { overallRate: scenario.rate(results) } : {}),
  };
  /**
   * Envelopes answered in every pass of this scenario (priming, warm-up, measured), and
   * requests sent whose answer the driver never read (in flight when a timed pass ended).
   */
  const passes = { envelopesAnswered: 0, unanswered: 0, mostRequests: 0 };
  const run = async (spec, seconds) => {
    const figures = await drive(spec, seconds);
    passes.envelopesAnswered += figures.kinds.envelope ?? 0;
    passes.unanswered += figures.unanswered ?? 0;
    passes.mostRequests = Math.max(passes.mostRequests, figures.requests);
    return figures;
  };
  // Each viewer's first shake in an isolate verifies its session token's signature; a
  // phone then shakes with the same token for the whole show. One request per token
  // before the warm-up puts every viewer past that first shake, as at a gala minutes in.
  const watching = scenario.watch?.(ctx) ?? null;
  if (plan.tokens?.length > 1 && !plan.paths)
    await run(
      { ...base, amount: plan.tokens.length, requestIdPrefix: `${base.requestIdPrefix}-p` },
      Math.max(60, plan.tokens.length / 100),
    );
  if (warmupSec > 0) await run({ ...base, durationSec: warmupSec, requestIdPrefix: `${base.requestIdPrefix}-w` }, warmupSec);
  const before = onAppObjects ? moneySummary(await ctx.admin.audit()) : null;
  const cpuBefore = cpuSeconds(server.pid);
  const measuredFrom = Date.now();
  const profiler = profile ? await startProfile() : null;
  const measured = await run(requests ? { ...base, amount: requests } : { ...base, durationSec }, requests ? 60 : durationSec);
  const cpuAfter = cpuSeconds(server.pid);
  if (profiler) {
    const cpuProfile = await profiler.stop();
    writeProfile(join(outDir, `profile-${scenario.name}.cpuprofile`), cpuProfile);
    printSummary(scenario.name, summarise(cpuProfile), measured.requests);
  }
  const judged = judgeAnswers(scenario, measured.kinds, measured.noAnswer);
  // Throughput and CPU per request count only the answers the scenario expects: a refusal
  // or an error must not make a path look faster or cheaper than it is.
  const counted = judged.counted;
  measured.rps = counted / measured.durationSec;
  measured.serverCpuUsPerReq = cpuBefore === null || cpuAfter === null || counted === 0 ? null : (1e6 * (cpuAfter - cpuBefore)) / counted;
  const ceiling = results["hello-world"]?.rps ?? measured.rps;
  const ceilingCpu = results["hello-world"]?.serverCpuUsPerReq ?? measured.serverCpuUsPerReq;
  const row = {
    name: scenario.name,
    about: scenario.about,
    ...measured,
    answers: judged,
    errors: judged.unexpectedCount,
    ratio: measured.rps / ceiling,
    cpuRatio: ceilingCpu && measured.serverCpuUsPerReq ? ceilingCpu / measured.serverCpuUsPerReq : null,
    ...(scenario.rate ? { overallRate: base.overallRate } : {}),
  };
  const wire = scenario.wire ? results[scenario.wire]?.serverCpuUsPerReq : null;
  row.wireCpuRatio = wire && measured.serverCpuUsPerReq ? wire / measured.serverCpuUsPerReq : null;
  const paced = scenario.pacedAgainst ? results[scenario.pacedAgainst]?.p99Ms : null;
  row.p99VsHello = paced ? measured.p99Ms / paced : null;
  if (onAppObjects) row.money = moneyDelta(before, moneySummary(await ctx.admin.audit()));
  if (watching) Object.assign(row, await watching.stop());
  if (holdingsFile) {
    const { lost, claimsOfLost } = JSON.parse(readFileSync(holdingsFile, "utf8"));
    passes.lostAnswers = { tokens: lost.map((i) => plan.tokens[i]), claims: lost.map((i) => claimsOfLost[i] ?? []) };
    rmSync(holdingsFile, { force: true });
  }
  if (scenario.after) Object.assign(row, await scenario.after(ctx, { measuredFrom, row, urls: base.urls ?? [base.url], ...passes }));
  row.verdicts = verdicts(scenario, row, ceiling, results);
  return row;
}
