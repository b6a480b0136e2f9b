/**
 * Writes a rehearsal: bench-results/rehearsal-<time>.json and .html, rehearsal-latest.html
 * beside them, and (for `npm run rehearsal`) a copy of the report in static-assets/rehearsal/
 * (git-ignored) with a small latest.json, which the operator console reads to link to it.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { LatestRehearsal } from "../../src/wire/index.ts";
import type { RehearsalRecord } from "./record.ts";
import { renderReport } from "./report.ts";

export function publish(record: RehearsalRecord, outDir: string, servedDir: string | null): { json: string; html: string } {
  mkdirSync(outDir, { recursive: true });
  const stamp = record.startedAt.replace(/[:.]/g, "-");
  const json = join(outDir, `rehearsal-${stamp}.json`);
  const html = join(outDir, `rehearsal-${stamp}.html`);
  const page = renderReport(record);
  writeFileSync(json, `${JSON.stringify(record)}\n`);
  writeFileSync(html, page);
  writeFileSync(join(outDir, "rehearsal-latest.html"), page);
  if (servedDir) {
    mkdirSync(servedDir, { recursive: true });
    writeFileSync(join(servedDir, "latest.html"), page);
    const latest: LatestRehearsal = {
      startedAt: record.startedAt,
      passed: record.verdict.passed,
      findings: record.verdict.findings.length,
      report: "/rehearsal/latest.html",
    };
    writeFileSync(join(servedDir, "latest.json"), `${JSON.stringify(latest)}\n`);
  }
  return { json, html };
}
