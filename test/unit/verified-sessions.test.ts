import { describe, expect, it } from "vitest";
import { signSession } from "../../src/auth/session-token";
import { verifySessionOnce } from "../../src/auth/verified-sessions";

describe("verified session memo", () => {
  it("still enforces expiry, signature and secret for remembered tokens", async () => {
    const now = Date.now();
    const token = await signSession({ sub: "u_memo", iat: now, exp: now + 1_000 }, "secret-a");
    expect(await verifySessionOnce(token, "secret-a", now)).toMatchObject({ sub: "u_memo" });
    expect(await verifySessionOnce(token, "secret-a", now + 500)).toMatchObject({ sub: "u_memo" });
    expect(await verifySessionOnce(token, "secret-a", now + 1_000)).toBeNull();
    expect(await verifySessionOnce(token, "secret-b", now)).toBeNull();
    expect(await verifySessionOnce(`${token.slice(0, -2)}xx`, "secret-a", now)).toBeNull();
  });
});
