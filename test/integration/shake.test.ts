import { describe, expect, it } from "vitest";
import type { ShakeResponse } from "../../src/wire/index";
import { admin, call, createPool, json, putTimeline, session } from "../support/api";
import { phase, SPONSORS } from "../support/phases";
import { liveLotteryShow } from "../support/show";
import { decision, shake } from "../support/viewers";

describe("shake in each phase kind", () => {
  it("answers rest with the next start time outside phases", async () => {
    const now = Date.now();
    await putTimeline({
      galaId: "gala-rest",
      sponsors: SPONSORS,
      phases: [phase("later", "greeting", now + 3_600_000, now + 7_200_000)],
    });
    const { token } = await session();
    const answer = await shake(token, "rest-1");
    expect(answer).toMatchObject({ kind: "rest", nextStartsAt: now + 3_600_000, requestId: "rest-1" });
    expect(answer.throttle.minIntervalMs).toBeGreaterThan(0);
  });

  it("answers a greeting asset in a greeting phase", async () => {
    const now = Date.now();
    await putTimeline({
      galaId: "gala-greet",
      sponsors: SPONSORS,
      phases: [phase("songs", "greeting", now - 1_000, now + 600_000)],
    });
    const { token } = await session();
    expect(await shake(token, "greet-1")).toMatchObject({ kind: "greeting", phaseId: "songs", assetId: "greeting-songs" });
  });

  it("hands out an envelope to a candidate in a lottery phase, and a greeting once the pool is empty", async () => {
    const { lotteryId } = await liveLotteryShow("one-envelope", { sponsorIds: ["aurora"] });
    await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 888, count: 1 });
    const winners: ShakeResponse[] = [];
    // The one envelope sits on one of 8 shards and each session lands on a random one: 40 sessions
    // all missed it about once in 200 runs ((7/8)^40), 200 sessions never ((7/8)^200 = 3e-12).
    for (let i = 0; i < 200 && winners.length === 0; i++) {
      const { token } = await session();
      const answer = await shake(token, `lottery-${i}`);
      if (answer.kind === "envelope") winners.push(answer);
      else expect(answer).toMatchObject({ kind: "greeting", phaseId: lotteryId });
    }
    expect(winners).toHaveLength(1);
    const [won] = winners;
    if (won.kind !== "envelope") throw new Error("unreachable");
    expect(won.envelope).toMatchObject({ phaseId: lotteryId, sponsorId: "aurora", assetId: "sponsor-aurora", amountCents: 888 });
    expect(won.envelope.claimId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("returns the identical answer for a repeated request id and issues nothing new", async () => {
    const { lotteryId } = await liveLotteryShow("idempotent");
    await createPool({ phaseId: lotteryId, sponsorId: "jade", budgetCents: 10_000, count: 100 });
    const { token } = await session();
    const first = await shake(token, "same-id");
    expect(first.kind).toBe("envelope");
    const again = await Promise.all(Array.from({ length: 20 }, () => shake(token, "same-id")));
    for (const answer of again) expect(decision(answer)).toEqual(decision(first));
    const audit = await (await admin("GET", "/audit")).json();
    expect(audit).toMatchObject({ balanced: true, maxClaimsPerUser: 1 });
  });
});

describe("sessions", () => {
  it("accepts the token as a bearer header or as the session cookie", async () => {
    await liveLotteryShow("cookie");
    const res = await json("POST", "/api/session", { deviceId: "device-1" });
    expect(res.status).toBe(201);
    const cookie = res.headers.get("Set-Cookie") ?? "";
    expect(cookie).toMatch(/gs_session=.*HttpOnly/i);
    const viaCookie = await call("/api/shake", {
      method: "POST",
      headers: { Cookie: cookie.split(";")[0], "Content-Type": "application/json" },
      body: JSON.stringify({ requestId: "cookie-1" }),
    });
    expect(viaCookie.status).toBe(200);
  });

  it("rejects missing, forged and expired tokens with 401", async () => {
    const { token } = await session();
    const [payload, signature] = token.split(".");
    const forged = `${btoa(JSON.stringify({ sub: "u_victim", iat: 0, exp: 9e15 })).replace(/=+$/, "")}.${signature}`;
    const expiredPayload = btoa(JSON.stringify({ sub: "u_x", iat: 0, exp: 1 })).replace(/=+$/, "");
    for (const bad of [undefined, forged, `${payload}.${signature}x`, `${expiredPayload}.${signature}`, "garbage"]) {
      const res = await json("POST", "/api/shake", { requestId: "r" }, bad);
      expect(res.status).toBe(401);
      expect(await res.json()).toMatchObject({ error: { code: "unauthorized" } });
    }
    const admin = await json("GET", "/api/admin/audit", undefined, token);
    expect(admin.status).toBe(401);
  });
});
