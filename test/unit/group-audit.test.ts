/** The pure group envelope audit: cases that must fail, each with its reason, and one that balances. */
import { describe, expect, it } from "vitest";
import { auditGroups, groupProblems, type RegisteredGroup } from "../../src/domain/group-audit";
import type { GroupFigures } from "../../src/wire/rpc";

const NOW = 1_000_000;
const BOUND = 60_000;
const group: RegisteredGroup = {
  groupId: "g1",
  funding: "wallet",
  amountCents: 1000,
  status: "created",
  createdAt: NOW - 2 * BOUND,
  dueAt: NOW - 2 * BOUND,
};
const own = (extra: Partial<GroupFigures> = {}): GroupFigures => ({
  groupId: "g1",
  funding: "wallet",
  amountCents: 1000,
  count: 5,
  grabbedCents: 400,
  grabbedCount: 2,
  refundedCents: 0,
  openCents: 600,
  expiresAt: NOW + BOUND,
  outboxCents: 0,
  oldestOwedAt: null,
  ...extra,
});
const ledger = (grabbed: number) => [
  { groupId: "g1", kind: "group-send", cents: -1000 },
  ...(grabbed ? [{ groupId: "g1", kind: "group-grab", cents: grabbed }] : []),
];
const audit = (figures: GroupFigures | null, rows = ledger(400), registered = group) =>
  auditGroups([registered], new Map(figures ? [["g1", figures]] : []), rows, NOW - BOUND);

describe("group audit", () => {
  it("balances when every grabbed cent is in the ledger", () => {
    expect(audit(own()).balanced).toBe(true);
  });

  it("fails when grabbed cents are neither in the ledger nor owed by the outbox", () => {
    const report = audit(own(), ledger(0));
    expect(report.envelopes[0].problem).toMatch(/neither in the ledger nor owed/);
    expect(groupProblems(report)).toEqual([{ place: "group:g1", problem: expect.any(String), cents: 1000 }]);
  });

  it("allows credits owed within the bound, and fails them past it", () => {
    expect(audit(own({ outboxCents: 400, oldestOwedAt: NOW - 1000 }), ledger(0)).balanced).toBe(true);
    expect(audit(own({ outboxCents: 400, oldestOwedAt: NOW - 2 * BOUND }), ledger(0)).envelopes[0].problem).toMatch(
      /longer than the bound/,
    );
  });

  it("fails an envelope that expired past the bound with money still open", () => {
    expect(audit(own({ expiresAt: NOW - 2 * BOUND })).envelopes[0].problem).toMatch(/not refunded/);
  });

  it("fails a funded registration whose object never came, past the bound only", () => {
    const pending = { ...group, status: "pending" as const };
    expect(audit(null, ledger(0), pending).envelopes[0].problem).toMatch(/never created/);
    expect(audit(null, ledger(0), { ...pending, createdAt: NOW }).balanced).toBe(true);
  });

  it("passes a wallet registration that holds no money (refused for funds), even past the bound", () => {
    const refused = { ...group, status: "pending" as const };
    expect(audit(null, [], refused).balanced).toBe(true);
  });

  it("checks an envelope not due from the registry and the ledger alone, its figures as the ledger holds them", () => {
    const notDue = { ...group, dueAt: NOW };
    const report = audit(null, ledger(400), notDue);
    expect(report.balanced).toBe(true);
    expect(report.envelopes[0]).toMatchObject({ grabbedCents: 400, openCents: 600, pendingCents: 0, fundedCents: 1000 });
    expect(audit(null, ledger(1200), notDue).envelopes[0].problem).toMatch(/credited more than its amount/);
    expect(audit(null, ledger(400).slice(1), notDue).envelopes[0].problem).toMatch(/funding differs/);
    expect(audit(null, [...ledger(0), { groupId: "g1", kind: "group-cancel", cents: 1000 }], notDue).envelopes[0].problem).toMatch(
      /given back/,
    );
  });
});
