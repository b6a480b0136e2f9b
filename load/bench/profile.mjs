/**
 * A V8 CPU profile of the app's worker while one scenario is measured, taken through the
 * inspector Miniflare exposes (`inspectorPort` + `unsafeInspectorProxy`), and its summary:
 * self and inclusive time per function, the figures docs/performance.md quotes. The
 * sampling itself costs the server CPU, so a profiled run's req/s is not a benchmark figure.
 */
import { writeFileSync } from "node:fs";

export const INSPECTOR_PORT = 9339;

/** Connects to the app worker's inspector and starts sampling every `intervalUs`. */
export async function startProfile(port = INSPECTOR_PORT, intervalUs = 100) {
  const targets = await (await fetch(`http://127.0.0.1:${port}/json`)).json();
  const target = targets.find((t) => /gala-shake/.test(`${t.title} ${t.url} ${t.id}`)) ?? targets[0];
  if (!target) throw new Error("no inspector target for the app worker");
  // Miniflare's inspector proxy admits local origins only.
  const ws = new WebSocket(target.webSocketDebuggerUrl, { headers: { Origin: "http://127.0.0.1" } });
  await new Promise((resolve, reject) => {
    ws.onopen = resolve;
    ws.onerror = () => reject(new Error("inspector connection failed"));
    ws.onclose = () => reject(new Error("inspector connection closed"));
  });
  let nextId = 0;
  const waiting = new Map();
  ws.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    waiting.get(message.id)?.(message);
    waiting.delete(message.id);
  };
  const send = (method, params = {}) =>
    new Promise((resolve, reject) => {
      const id = ++nextId;
      waiting.set(id, (m) => (m.error ? reject(new Error(`${method}: ${m.error.message}`)) : resolve(m.result)));
      ws.send(JSON.stringify({ id, method, params }));
    });
  await send("Profiler.enable");
  await send("Profiler.setSamplingInterval", { interval: intervalUs });
  await send("Profiler.start");
  return {
    async stop() {
      const { profile } = await send("Profiler.stop");
      ws.close();
      return profile;
    },
  };
}

const where = (frame) => `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop()}:${frame.lineNumber + 1}`;

/** Self and inclusive milliseconds per function (a function counted once per stack). */
export function summarise(profile, top = 30) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const total = new Map();
  let sampled = 0;
  profile.samples.forEach((id, i) => {
    const ms = (profile.timeDeltas[i] ?? 0) / 1000;
    sampled += ms;
    const leaf = where(byId.get(id).callFrame);
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    const seen = new Set();
    for (let node = id; node !== undefined; node = parent.get(node)) {
      const key = where(byId.get(node).callFrame);
      if (seen.has(key)) continue;
      seen.add(key);
      total.set(key, (total.get(key) ?? 0) + ms);
    }
  });
  const rows = [...total.entries()]
    .map(([fn, totalMs]) => ({ fn, selfMs: self.get(fn) ?? 0, totalMs }))
    .sort((a, b) => b.totalMs - a.totalMs);
  const topSelf = [...rows].sort((a, b) => b.selfMs - a.selfMs).slice(0, top);
  return { sampledMs: sampled, inclusive: rows.slice(0, top), self: topSelf };
}

export function writeProfile(file, profile) {
  writeFileSync(file, JSON.stringify(profile));
}

export function printSummary(name, summary, requests) {
  const us = (ms) => ((1000 * ms) / requests).toFixed(1).padStart(7);
  const pct = (ms) => `${((100 * ms) / summary.sampledMs).toFixed(1)}%`.padStart(6);
  console.log(`\nprofile of ${name}: ${summary.sampledMs.toFixed(0)} ms sampled over ${requests} requests (µs per request)`);
  console.log("  inclusive (the function and what it calls):");
  for (const r of summary.inclusive) console.log(`  ${us(r.totalMs)} ${pct(r.totalMs)}  ${r.fn}`);
  console.log("  self (time in the function's own code):");
  for (const r of summary.self) console.log(`  ${us(r.selfMs)} ${pct(r.selfMs)}  ${r.fn}`);
}
