import { describe, expect, it } from "vitest";
import { call, session } from "../support/api";

describe("smoke", () => {
  it("answers time and a session", async () => {
    const res = await call("/api/time");
    expect(res.status).toBe(200);
    const s = await session();
    expect(s.userId).toMatch(/^u_/);
  });
});
