/**
 * One bench scenario: prepare it, warm up, measure it with the load driver in its own
 * process while sampling the server's CPU, audit the money before and after, and return its
 * row (req/s, latency, errors, ratios to the hello-world ceiling, money, verdicts).
 */
import { spawn } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { cpuSeconds } from "./cpu.mjs";

/** Runs the load driver in its own process and returns its figures. */
function drive(spec, seconds, outDir) {
  const specPath = join(outDir, `spec-${process.pid}.json`);
  writeFileSync(specPath, JSON.stringify(spec));
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [join(import.meta.dirname, "driver.mjs"), specPath], {
      stdio: ["ignore", "pipe", "inherit"],
      timeout: (seconds + 30) * 1000,
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      rmSync(specPath, { force: true });
      if (code === 0) resolvePromise(JSON.parse(out));
      else reject(new Error(`load driver exited with ${code}`));
    });
  });
}

function moneySummary(audit) {
  const claimedCount = audit.pools.reduce((n, p) => n + p.claimedCount, 0);
  return { balanced: audit.balanced, claimedCount, duplicateEnvelopeClaims: audit.duplicateEnvelopeClaims };
}

function verdicts(scenario, result, ceilingRps) {
  const out = [];
  if (scenario.targetRatio) {
    out.push({ target: `>= ${scenario.targetRatio * 100}% of ceiling`, met: result.rps >= scenario.targetRatio * ceilingRps });
  }
  if (scenario.targetRps) out.push({ target: `>= ${scenario.targetRps} req/s`, met: result.rps >= scenario.targetRps });
  if (scenario.targetP99Ms) out.push({ target: `p99 < ${scenario.targetP99Ms} ms`, met: result.p99Ms < scenario.targetP99Ms });
  return out;
}

/**
 * Runs one scenario against the servers. `results` holds the rows measured so far in this
 * run (hello-world first: its figures are the ceiling every ratio divides by).
 */
export async function runScenario(scenario, { ctx, servers, results, connections, warmupSec, durationSec, outDir }) {
    const plan = await scenario.prepare(ctx);
    const base = {
      url: servers[scenario.target].url,
      connections,
      requestIdPrefix: `${scenario.name}-${Date.now()}`,
      ...plan,
      ...(scenario.rate ? { overallRate: scenario.rate(results) } : {}),
    };
    if (warmupSec > 0) await drive({ ...base, durationSec: warmupSec, requestIdPrefix: `${base.requestIdPrefix}-w` }, warmupSec, outDir);
    const before = scenario.target === "app" ? moneySummary(await ctx.admin.audit()) : null;
    const server = servers[scenario.target];
    const cpuBefore = cpuSeconds(server.pid);
    const measuredFrom = Date.now();
    const measured = await drive({ ...base, durationSec }, durationSec, outDir);
    const cpuAfter = cpuSeconds(server.pid);
    measured.serverCpuUsPerReq = cpuBefore === null || cpuAfter === null ? null : (1e6 * (cpuAfter - cpuBefore)) / measured.requests;
    const unexpected = Object.entries(measured.kinds)
      .filter(([kind]) => !scenario.expect.includes(kind))
      .reduce((n, [, count]) => n + count, 0);
    const ceiling = results["hello-world"]?.rps ?? measured.rps;
    const ceilingCpu = results["hello-world"]?.serverCpuUsPerReq ?? measured.serverCpuUsPerReq;
    const row = {
      name: scenario.name,
      about: scenario.about,
      ...measured,
      errors: measured.errors + unexpected,
      ratio: measured.rps / ceiling,
      cpuRatio: ceilingCpu && measured.serverCpuUsPerReq ? ceilingCpu / measured.serverCpuUsPerReq : null,
      ...(scenario.rate ? { overallRate: base.overallRate } : {}),
    };
    if (scenario.target === "app") {
      const after = moneySummary(await ctx.admin.audit());
      row.money = { ...after, claimedDuringRun: after.claimedCount - before.claimedCount };
      if (!after.balanced) failed = true;
    }
    if (scenario.after) Object.assign(row, await scenario.after(ctx, measuredFrom));
    row.verdicts = verdicts(scenario, row, ceiling);
    return row;
}
