import { describe, expect, it } from "vitest";
import { signSession, verifySession } from "../../src/auth/session-token";

const SECRET = "unit-test-secret";
const NOW = 1_800_000_000_000;

describe("session tokens", () => {
  it("round-trips a valid token", async () => {
    const token = await signSession({ sub: "u_1", iat: NOW, exp: NOW + 1_000 }, SECRET);
    expect(await verifySession(token, SECRET, NOW)).toMatchObject({ sub: "u_1" });
  });

  it("rejects expired, forged, re-signed and garbled tokens", async () => {
    const token = await signSession({ sub: "u_1", iat: NOW, exp: NOW + 1_000 }, SECRET);
    expect(await verifySession(token, SECRET, NOW + 1_000)).toBeNull();
    expect(await verifySession(token, "other-secret", NOW)).toBeNull();
    const [, signature] = token.split(".");
    const forgedPayload = btoa(JSON.stringify({ sub: "u_2", iat: NOW, exp: NOW + 1_000 })).replace(/=+$/, "");
    expect(await verifySession(`${forgedPayload}.${signature}`, SECRET, NOW)).toBeNull();
    for (const junk of ["", ".", "a.b", "a.b.c", "!!!.???", token + "x", "x".repeat(5_000)]) {
      expect(await verifySession(junk, SECRET, NOW)).toBeNull();
    }
  });
});
