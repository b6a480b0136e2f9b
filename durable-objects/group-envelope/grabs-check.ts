/**
 * The group envelope's deep check (issue 26): its grab rows against the totals it keeps with
 * them (grab-totals.ts), run by the engine every checked object shares (../sliced-check.ts). An
 * envelope holds at most MAX_GROUP_COUNT (200) grabs, so one query checks the whole envelope
 * (one entity) and a run is one slice. A difference is a finding named `group:<id>`, as the
 * audit names an envelope's other problems, which the audit checks again before naming it
 * (`recheck`), so rows made right since are not named.
 */
import type { AuditProblem } from "../../src/wire/index";
import type { CheckSubject, Found } from "../sliced-check";

/** What the rows say against the totals: the rows read and how far their count and cents are off. */
type Diff = { rows: number; count: number; cents: number };

export class GrabRows implements CheckSubject {
  #sql: SqlStorage;
  #groupId: () => string;

  constructor(sql: SqlStorage, groupId: () => string) {
    this.#sql = sql;
    this.#groupId = groupId;
  }

  begin(): void {}

  next(_cursor: string, found: Found): { rows: number; entities: number; cursor: string | null } {
    const diff = this.#diff();
    found("count", diff.count);
    found("cents", diff.cents);
    return { rows: diff.rows, entities: 1, cursor: null };
  }

  end(): void {}

  recheck(key: string): number {
    const diff = this.#diff();
    return key === "count" ? diff.count : diff.cents;
  }

  problem(key: string, diff: number): AuditProblem {
    return {
      place: `group:${this.#groupId()}`,
      problem: `grabbed ${key === "count" ? "shares" : "cents"} of the grab rows differ from the envelope's totals by ${diff} (deep check)`,
      cents: key === "cents" ? Math.abs(diff) : 0,
    };
  }

  #diff(): Diff {
    return this.#sql
      .exec<Diff>(
        `SELECT g.n AS rows, g.n - t.count AS count, g.cents - t.cents AS cents
           FROM grab_totals t, (SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS cents FROM grabs) g`,
      )
      .one();
  }
}
