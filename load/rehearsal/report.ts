/**
 * The rehearsal's report: one self-contained HTML page (inline CSS and SVG, no script, no
 * network) from a RehearsalRecord. Pure, so it can be rendered again from any saved JSON.
 */
import { auditSection } from "./audit-table.ts";
import type { RehearsalRecord } from "./record.ts";
import {
  countSeries,
  backlogSeries,
  latencySeries,
  percentile,
  poolSeries,
  shakeLatencySeries,
  shardRates,
  throttleSeries,
  type Point,
} from "./series.ts";
import { esc, legend, lineChart, type Band, type Chart, type Series } from "./svg.ts";

const KIND_COLORS: Record<string, string> = { rest: "#9aa5b1", greeting: "#2f6fb3", envelope: "#d0342c", busy: "#e8912d" };
const ROUTE_COLORS: Record<string, string> = {
  shake: "#1d2733",
  wallet: "#7b3fb3",
  open: "#d0342c",
  grab: "#e8912d",
  share: "#5cb270",
  session: "#2f6fb3",
  time: "#9aa5b1",
};
const n = (x: number) => Math.round(x).toLocaleString("en-US");

function figure(title: string, chart: Omit<Chart, "title">, explain: string, withLegend = true): string {
  const key = withLegend ? legend(chart.series.filter((s) => !s.name.startsWith("shard "))) : "";
  return `<figure><figcaption><b>${esc(title)}</b> ${esc(explain)}</figcaption>${lineChart({ title, ...chart })}${key}</figure>`;
}

function machineLine(m: RehearsalRecord["machine"]): string {
  const load = Array.isArray(m.loadAverageAtStart) ? m.loadAverageAtStart.join(" ") : "?";
  return `${String(m.cores)} × ${String(m.cpu)}, load average ${load} at the start (shared machine), Node ${String(m.node)}, ${String(m.workerd)}`;
}

export function renderReport(r: RehearsalRecord): string {
  const fleetEnd = r.fleet.at(-1)?.at ?? r.showEnd;
  const xRange: [number, number] = [Math.min(r.showStart, r.fleet[0]?.at ?? r.showStart), Math.max(r.showEnd, fleetEnd)];
  const bands: Band[] = r.phases.map((p) => ({ from: p.startsAt, to: p.endsAt, label: p.title, lottery: p.kind === "lottery" }));
  const markers = [
    ...(r.operator ? [{ x: r.operator.at, label: "operator", color: "#7b3fb3" }] : []),
    ...r.verdict.findings.filter((f) => f.at !== null).map((f) => ({ x: f.at!, label: f.check, color: "#b00020" })),
  ];
  const base = { origin: r.showStart, xRange, bands, markers };

  const answers = countSeries(r.fleet, (x) => x.kinds);
  const routeLines: Series[] = Object.entries(countSeries(r.fleet, (x) => x.requests)).map(([route, points]) => ({
    name: route,
    color: ROUTE_COLORS[route] ?? "#9aa5b1",
    points,
  }));
  const answerLines: Series[] = Object.entries(answers).map(([kind, points]) => ({
    name: kind,
    color: KIND_COLORS[kind] ?? "#7b3fb3",
    points,
  }));
  const total: Point[] = r.fleet.map((s) => [s.at, Object.values(s.kinds).reduce((a, b) => a + b, 0)]);
  const throttle = throttleSeries(r.fleet);
  const rates = shardRates(r.stats);
  const shardCount = rates[0]?.perShard.length ?? 0;
  const shardLines: Series[] = Array.from({ length: shardCount }, (_, shard) => ({
    name: `shard ${shard}`,
    color: "#8fa9c8",
    width: 1,
    points: rates.map((x): Point => [x.at, x.perShard[shard] ?? 0]),
  }));
  const busiest: Point[] = rates.map((x) => [x.at, Math.max(0, ...x.perShard)]);
  const peakShard = Math.max(0, ...busiest.map((p) => p[1]));
  const ceilingOnScale = peakShard >= r.settings.ceilingPerSec / 4;
  const settle = latencySeries(r.fleet, (x) => x.settleMs);
  const seenInWallet = latencySeries(r.fleet, (x) => x.openToWalletMs);
  const shakeRtt = shakeLatencySeries(r.fleet);
  const latencies = r.fleet.flatMap((s) => s.settleMs);
  const walletLatencies = r.fleet.flatMap((s) => s.openToWalletMs);
  const pools = poolSeries(r.pools, r.phases);
  const totalShakes = total.reduce((a, [, y]) => a + y, 0);
  const verdictClass = r.verdict.passed ? "pass" : "fail";
  const findings = r.verdict.findings.map(
    (f) =>
      `<tr><td>${esc(f.check)}</td><td>${esc(f.where)}</td><td>${f.at === null ? "end" : `${Math.round((f.at - r.showStart) / 1000)}s`}</td><td>${esc(f.message)}</td></tr>`,
  );
  const s = r.settings;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Gala Shake rehearsal ${esc(r.startedAt)}: ${r.verdict.passed ? "PASS" : "FAIL"}</title>
<style>
body{font:14px/1.45 system-ui,sans-serif;margin:0 auto;max-width:960px;padding:16px;color:#1d2733;background:#fff}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 6px;border-bottom:1px solid #e3e8ee;padding-bottom:4px}
.verdict{padding:12px 16px;border-radius:8px;margin:12px 0}.verdict.pass{background:#e5f5ea;border:1px solid #5cb270}.verdict.fail{background:#fdeaea;border:1px solid #d0342c}
.verdict .headline{font-size:20px}.verdict ul{margin:6px 0 0;padding-left:20px}
table{border-collapse:collapse;width:100%;font-size:13px;margin:6px 0}td,th{border-bottom:1px solid #e3e8ee;padding:3px 6px;text-align:left}
td.ok,.equation.ok{color:#1e7b34}td.bad,.equation.bad{color:#b00020;font-weight:600}
figure{margin:14px 0}figcaption{margin-bottom:4px;color:#42505e}svg{width:100%;height:auto;background:#fcfdfe;border:1px solid #e3e8ee;border-radius:6px}
svg text{font:11px system-ui,sans-serif;fill:#42505e}svg .band{fill:#8a5a52}svg .grid{stroke:#e8edf2}svg .axis{font-weight:600}svg .marker{font-weight:600}
.legend span{margin-right:14px;white-space:nowrap}.legend i{display:inline-block;width:18px;margin-right:4px;vertical-align:middle}
.pools{display:grid;grid-template-columns:1fr 1fr;gap:8px}.pools figure{margin:0}.figures span{display:inline-block;margin-right:18px}
.muted{color:#6b7785;font-size:12px}
</style></head><body>
<h1>Gala Shake · dress rehearsal</h1>
<p class="muted">${esc(r.startedAt)} · <code>${esc(r.command)}</code> · ${esc(r.runtime)} · ${s.viewers} viewers, ${s.speedup}× speed, ${s.shards} shards, shard ceiling ${s.ceilingPerSec} calls/s, pool tolerance ${Math.round(100 * s.poolTolerance)}%, settlement bound ${s.settleBoundMs} ms · ${esc(machineLine(r.machine))}</p>
<div class="verdict ${verdictClass}"><b class="headline">${r.verdict.passed ? "PASS" : "FAIL"}</b>
<ul>${Object.entries(r.verdict.summary)
    .map(([check, line]) => `<li><b>${esc(check)}</b>: ${esc(line)}</li>`)
    .join("")}</ul>
${findings.length ? `<table><thead><tr><th>check</th><th>where</th><th>when</th><th>what</th></tr></thead><tbody>${findings.join("")}</tbody></table>` : ""}</div>
<p class="figures"><span><b>${n(totalShakes)}</b> shakes</span><span>peak <b>${n(Math.max(0, ...total.map((p) => p[1])))}</b>/s</span><span><b>${n(r.fleet.reduce((a, x) => a + x.opens, 0))}</b> envelopes opened</span><span><b>${n(r.fleet.reduce((a, x) => a + x.groupsShared, 0))}</b> group envelopes shared, <b>${n(r.fleet.reduce((a, x) => a + (x.grabs.grabbed ?? 0), 0))}</b> shares grabbed</span><span>open → settled p50 <b>${n(percentile(latencies, 50))}</b> ms, p99 <b>${n(percentile(latencies, 99))}</b> ms (seen in the wallet p50 <b>${n(percentile(walletLatencies, 50))}</b> ms)</span></p>
${r.operator ? `<p><b>Operator step</b> at ${Math.round((r.operator.at - r.showStart) / 1000)}s: ${esc(r.operator.actions.join("; "))}${r.operator.error ? ` — <b class="bad">failed: ${esc(r.operator.error)}</b>` : ""}</p>` : ""}
<h2>Shakes per second and answer kinds</h2>
${figure("Shakes per second by answer", { ...base, yLabel: "answers / s", series: [{ name: "all answers", color: "#1d2733", points: total, width: 1 }, ...answerLines] }, "Shaded bands are the phases (red: lottery). Rest before and between phases, greetings and envelopes inside them; busy means the server shed load.")}
${figure("Requests per second by route", { ...base, height: 200, yLabel: "requests / s", series: routeLines }, "Everything the viewers sent: shakes, opens, wallet reads while money is pending (every 2 s, as the PWA), group shares and grabs, sessions and clock samples.")}
<h2>Envelopes issued against the plan, per pool</h2>
${legend([
  { name: "issued (¥, from the shards' books)", color: "#d0342c" },
  { name: "plan: the pool's money spread evenly over its phase", color: "#1d2733", dashed: true },
])}
<div class="pools">${pools
    .map(({ pool, issued, plan }) =>
      figure(
        `${pool.phaseId} · ${pool.sponsorId}`,
        {
          ...base,
          height: 200,
          yLabel: "¥ issued",
          series: [
            { name: "issued", color: "#d0342c", points: issued.map(([x, y]) => [x, y / 100]) },
            { name: "plan", color: "#1d2733", dashed: true, points: plan.map(([x, y]) => [x, y / 100]) },
          ],
        },
        "",
        false,
      ),
    )
    .join("")}</div>
<h2>Throttle level</h2>
${figure(
  "Throttle level",
  {
    ...base,
    height: 180,
    yLabel: "level (0–4)",
    yMax: 4,
    series: [
      { name: "mean level of answers", color: "#2f6fb3", points: throttle.mean },
      { name: "highest level seen", color: "#e8912d", points: throttle.max },
    ],
  },
  "0 = normal (1 s between shakes), 4 = shed (15 s). The viewers obey it.",
)}
${figure(
  "Round trips",
  {
    ...base,
    height: 180,
    yLabel: "ms",
    series: [
      { name: "shake p50", color: "#2f6fb3", points: shakeRtt.p50 },
      { name: "shake p99", color: "#d0342c", points: shakeRtt.p99 },
      { name: "stats read (sampling)", color: "#5cb270", points: r.stats.map((x): Point => [x.at, x.readMs]) },
      { name: "books read (sampling)", color: "#e8912d", points: r.pools.map((x): Point => [x.at, x.readMs]) },
      { name: "audit read (sampling)", color: "#7b3fb3", points: r.backlog.map((x): Point => [x.at, x.readMs]), dashed: true },
    ],
  },
  "Shakes as the viewers saw them, waiting for a free connection in the viewer process included, and the rehearsal's own admin reads: when they climb together, the server is saturated.",
)}
<h2>Per-shard load against the ceiling</h2>
${figure("Calls per second towards each shard", { ...base, yLabel: "calls / s per shard", limits: ceilingOnScale ? [{ y: s.ceilingPerSec, label: `ceiling ${s.ceilingPerSec}/s`, color: "#b00020" }] : [], series: [...shardLines, { name: "busiest shard", color: "#1d2733", points: busiest }, { name: "each shard", color: "#8fa9c8", points: [] }] }, `Envelope candidates sent to each shard (from /api/admin/stats, 5 s average). Busiest: ${n(peakShard)}/s against a ceiling of ${s.ceilingPerSec}/s${ceilingOnScale ? "" : " (far above: the chart is scaled to the load, the ceiling is off it)"}.`)}
<h2>Open to wallet</h2>
${figure(
  "Time from open to wallet",
  {
    ...base,
    yLabel: "ms",
    limits: [{ y: s.settleBoundMs, label: `bound ${s.settleBoundMs} ms`, color: "#b00020" }],
    series: [
      { name: "settled p50 (ledger row − open, server clock)", color: "#2f6fb3", points: settle.p50 },
      { name: "settled p99", color: "#d0342c", points: settle.p99 },
      { name: "settled max", color: "#9aa5b1", points: settle.max, dashed: true },
      { name: "seen in the wallet p50 (viewer)", color: "#7b3fb3", points: seenInWallet.p50, dashed: true },
    ],
  },
  "Settlement: from the open to the ledger row, on the server's clock (the bound applies to it). Seen in the wallet: from the open's answer to the wallet showing it, as the viewer polls every 2 s, round trips included.",
)}
${figure("Settlement backlog", { ...base, height: 180, yLabel: "claims pending", series: [{ name: "won, not yet in a wallet", color: "#7b3fb3", points: backlogSeries(r.backlog) }] }, "Claims between the shard and the ledger; it should fall back to zero after each phase.")}
<h2>Audit at the end</h2>
${auditSection(r.finalAudit)}
</body></html>
`;
}
