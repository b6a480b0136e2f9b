/**
 * The cost part of `npm run capacity`: a show's bill with each item's share, where its
 * Worker requests come from, what moves the bill most, and the own-servers comparison.
 * Only printing lives here; the arithmetic is in cost.ts and usage.ts.
 */
import { billWithoutHistory, fixedBill, ownServers, OWN_SERVERS, sensitivity, showBill, type Bill } from "./cost.ts";
import { PROMISE_MS, PUBLISH_MS, REVALIDATE_MS, type LivePlan } from "./live.ts";
import { columns, n, pct } from "./format.ts";
import { PLAN } from "./prices.ts";
import type { DeploymentInputs, ShowInputs } from "./shows.ts";
import { operations, shakesOf } from "./usage.ts";

export { billReport } from "./cost.ts";

const usd = (x: number) => n(x, 2);
const signed = (x: number) => `${x >= 0 ? "+" : "-"}${usd(Math.abs(x))}`;

function printLines(b: Bill): void {
  const row = columns(-38, 30, 13, 8);
  console.log(row("item", "usage", "USD", "share"));
  console.log(row(PLAN.item, "", usd(b.planUsd), pct(b.planUsd / b.totalUsd)));
  for (const line of b.lines) {
    const usage = `${n(line.quantity / line.price.per, 1)} ${line.price.unit}`;
    console.log(row(line.price.item, usage, usd(line.usd), pct(line.share)));
  }
  console.log(row("total", "", usd(b.totalUsd)));
}

function printRequestSources(s: ShowInputs, d: DeploymentInputs): void {
  const sources = operations(s, d)
    .map((op) => ({ name: op.name, requests: op.count * (op.per.workerRequests ?? 0), cpuMs: op.per.workerCpuMs ?? 0 }))
    .filter((source) => source.requests > 0)
    .sort((a, b) => b.requests - a.requests);
  const total = sources.reduce((sum, source) => sum + source.requests, 0);
  const row = columns(-42, 17, 8, 13);
  console.log(row("Worker requests by source", "requests", "share", "CPU ms each"));
  for (const source of sources) {
    console.log(row(`  ${source.name}`, n(source.requests), pct(source.requests / total), n(source.cpuMs, 3)));
  }
}

export function printShowCost(s: ShowInputs, d: DeploymentInputs): Bill {
  const b = showBill(s, d);
  const shape = `${n(s.viewers)} phones, ${n(shakesOf(s))} shakes, ${n(s.envelopes)} envelopes, ${s.showHours} h`;
  console.log(`\nBill: ${s.name}, ${shape} (USD, estimate)`);
  printLines(b);
  const days = d.daysBefore + d.daysAfter;
  const fixed = usd(fixedBill(s, d).totalUsd);
  const without = billWithoutHistory(s, d).totalUsd;
  console.log(
    `  of which ${usd(b.totalUsd - without)} USD the audits reading the night's group envelopes (each unsettled one's registry row and every group's ledger totals line, every minute and from open consoles; objects only when due): ${usd(without)} USD without them (issue #26)`,
  );
  console.log(`  without an audience: ${fixed} USD (the plan, the minute cron over ${days} days around the show, the operators' own work)`);
  console.log(`  per phone ${n(b.totalUsd / s.viewers, 5)} USD; per envelope ${n(b.totalUsd / s.envelopes, 5)} USD`);
  printRequestSources(s, d);
  return b;
}

export function printSensitivity(s: ShowInputs, d: DeploymentInputs): void {
  const base = showBill(s, d).totalUsd;
  const row = columns(-26, -32, 13, 13, 8);
  console.log(`\nWhat moves the ${s.name}'s bill (base ${usd(base)} USD)`);
  console.log(row("lever", "setting", "total USD", "change", "%"));
  for (const { variant, totalUsd, changeUsd } of sensitivity(s, d)) {
    console.log(row(variant.factor, variant.setting, usd(totalUsd), signed(changeUsd), pct(changeUsd / base)));
  }
}

export function printOwnServers(shows: readonly { show: ShowInputs; cloudflareUsd: number }[]): void {
  const o = OWN_SERVERS;
  console.log(
    `\nOwn servers for the same peak (estimate, access tier only: ${o.referenceServers} servers per ${n(o.referencePeakShakesPerSecond)} ` +
      `shakes/s, ${n(o.usdPerServerMonth)} USD per server-month assumed, held ${o.monthsHeld} month)`,
  );
  const row = columns(-16, 13, 9, 14, 18);
  console.log(row("show", "peak shakes/s", "servers", "own USD", "Cloudflare USD"));
  for (const { show, cloudflareUsd } of shows) {
    const own = ownServers(show.peakShakesPerSecond);
    console.log(row(show.name, n(show.peakShakesPerSecond), n(own.servers), usd(own.usd), usd(cloudflareUsd)));
  }
}

export function printLive(p: LivePlan, d: DeploymentInputs, pagesOpen: number): void {
  console.log(
    `\nHow the timeline reaches phones (${n(pagesOpen)} pages open, the published copy read every ${n(d.livePollMs - 1_000)}-${n(d.livePollMs)} ms)`,
  );
  console.log(`  reads of the published copy ${n(p.readsPerSecond)}/s, all answered by Cloudflare's cache (no Worker runs)`);
  console.log(
    `  reads of the R2 bucket       ${n(p.bucketReadsPerSecond)}/s (one per location per ${d.liveMaxAgeS} s max-age, ${d.colos} locations)`,
  );
  console.log(
    `  an edit reaches an idle page within ${n(p.propagationMs)} ms: publication ${n(PUBLISH_MS)} + max-age ${n(d.liveMaxAgeS * 1_000)} + one revalidation ${n(REVALIDATE_MS)} + one poll ${n(d.livePollMs)} (promise ${n(PROMISE_MS)} ms)`,
  );
}
