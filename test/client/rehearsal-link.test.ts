import { describe, expect, it } from "vitest";
import { asLatestRehearsal, rehearsalLinkText } from "../../static-assets/admin/rehearsal-link.js";

const latest = { startedAt: "2026-12-01T13:21:44.316Z", passed: false, findings: 3, report: "/rehearsal/latest.html" };

describe("console link to the latest rehearsal", () => {
  it("reads the summary the rehearsal publishes and says the verdict first", () => {
    expect(asLatestRehearsal(latest)).toEqual(latest);
    expect(rehearsalLinkText(latest)).toBe("Latest rehearsal FAILED with 3 findings (2026-12-01 13:21 UTC): open the report");
    expect(rehearsalLinkText({ ...latest, passed: true, findings: 0 })).toBe(
      "Latest rehearsal PASSED (2026-12-01 13:21 UTC): open the report",
    );
  });

  it("shows nothing for what is not a summary, or a report outside /rehearsal/", () => {
    expect(asLatestRehearsal(null)).toBeNull();
    expect(asLatestRehearsal({ ...latest, passed: "yes" })).toBeNull();
    expect(asLatestRehearsal({ ...latest, report: "https://elsewhere.example/x.html" })).toBeNull();
  });
});
