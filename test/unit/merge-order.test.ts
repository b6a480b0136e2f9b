import { describe, expect, it } from "vitest";
import { mergeByIssueOrder } from "../../src/domain/merge-order";

const claim = (claimId: string, sponsorId: string, issuedAt: number, finalAt = issuedAt + 10) => ({
  claimId,
  sponsorId,
  issuedAt,
  finalAt,
});

describe("merge by issue order", () => {
  it("keeps the earlier-issued claim of a sponsor and displaces a later one not final yet", () => {
    expect(mergeByIssueOrder([claim("late", "a", 5)], claim("early", "a", 2), 6)).toEqual({ keep: true, displace: ["late"] });
  });

  it("never displaces a final claim: the arriving earlier one is voided instead", () => {
    expect(mergeByIssueOrder([claim("late", "a", 5)], claim("early", "a", 2), 15)).toEqual({ keep: false, displace: [] });
  });

  it("voids an arriving claim issued later than a kept one of the same sponsor", () => {
    expect(mergeByIssueOrder([claim("first", "a", 1)], claim("second", "a", 3), 4)).toEqual({ keep: false, displace: [] });
  });

  it("displaces the latest claim past the per-gala limit, and breaks equal issue times by claim id", () => {
    const held = [claim("x", "a", 1), claim("y", "b", 2), claim("z", "c", 3)];
    expect(mergeByIssueOrder(held, claim("w", "d", 0), 3)).toEqual({ keep: true, displace: ["z"] });
    expect(mergeByIssueOrder([claim("b", "a", 4)], claim("a", "a", 4), 5)).toEqual({ keep: true, displace: ["b"] });
  });

  it("keeps claims that fit the limits together", () => {
    expect(mergeByIssueOrder([claim("x", "a", 5)], claim("y", "b", 1), 6)).toEqual({ keep: true, displace: [] });
  });
});
