/**
 * Helpers for the loss-mode tests: the audit with a chosen stuck bound, the repair endpoint,
 * and fault injectors that act on the real stores (D1 triggers that silently drop ledger
 * writes, as a lost message would).
 */
import { env } from "cloudflare:workers";
import { expect } from "vitest";
import type { AuditReport, RepairReport } from "../../src/wire/index";
import { admin } from "./api";

export async function auditAt(stuckAfterMs: number): Promise<AuditReport> {
  const res = await admin("GET", `/audit?stuckAfterMs=${stuckAfterMs}`);
  if (res.status !== 200) throw new Error(`audit failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Runs every repair now, for anything older than `olderThanMs`. */
export async function repair(olderThanMs = 0): Promise<RepairReport> {
  const res = await admin("POST", "/repair", { olderThanMs });
  if (res.status !== 200) throw new Error(`repair failed: ${res.status} ${await res.text()}`);
  return res.json();
}

/** Asserts the audit fails and names `place` among its problems. */
export function expectNamed(report: AuditReport, place: string): void {
  expect(report.balanced).toBe(false);
  expect((report.problems ?? []).map((p) => p.place)).toContain(place);
}

/** Asserts the audit passes, showing its problems when it does not. */
export function expectBalanced(report: AuditReport): void {
  expect(report.problems ?? []).toEqual([]);
  expect(report.balanced).toBe(true);
}

/** Ledger rows of `kind` are silently not written (the consumer believes it credited them). */
export async function dropLedgerWrites(kind: string): Promise<() => Promise<void>> {
  const name = `lose_${kind.replace(/\W/g, "_")}`;
  await env.DB.exec(
    `CREATE TRIGGER ${name} BEFORE INSERT ON ledger WHEN NEW.kind = '${kind}' BEGIN SELECT RAISE(IGNORE); END`,
  );
  return async () => {
    await env.DB.exec(`DROP TRIGGER ${name}`);
  };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
