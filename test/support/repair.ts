/**
 * Helpers for the loss-mode tests: the repair endpoint, the audit's verdicts,
 * and fault injectors that act on the real stores (triggers in every ledger partition that
 * silently drop ledger writes, as a lost message would).
 */
import { expect } from "vitest";
import type { AuditReport, RepairReport } from "../../src/wire/index";
import { admin } from "./api";
import { readJson } from "./api-client";
import { ledgerQuery } from "./ledger";

/** Runs every repair now, for anything older than `olderThanMs`. */
export async function repair(olderThanMs = 0): Promise<RepairReport> {
  return readJson<RepairReport>(await admin("POST", "/repair", { olderThanMs }));
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
  await ledgerQuery(`CREATE TRIGGER ${name} BEFORE INSERT ON ledger WHEN NEW.kind = '${kind}' BEGIN SELECT RAISE(IGNORE); END`);
  return async () => {
    await ledgerQuery(`DROP TRIGGER ${name}`);
  };
}
