/**
 * The lean shake wire, `POST /api/shake/<requestId>`: the same answers as the JSON-body
 * route for every outcome, idempotent across both wires, the same limits and shedding,
 * only the JSON content type on answers, and the API's JSON errors for bad input.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import type { ShakeResponse } from "../../src/wire/index";
import { admin, createPool, putTimeline, session } from "../support/api";
import { callWith, deployedEnv, inBatches, shakeInit, shakeWire } from "../support/deployed";
import { phase, SPONSORS } from "../support/phases";
import { liveLotteryShow } from "../support/show";
import { decision } from "../support/viewers";

async function both(token: string, requestId: string): Promise<[ShakeResponse, ShakeResponse]> {
  const lean = await shakeWire(env, token, requestId);
  expect(lean.status).toBe(200);
  const viaBody = await callWith(env, "/api/shake", shakeInit(token, requestId));
  expect(viaBody.status).toBe(200);
  return [await lean.json(), await viaBody.json()];
}

async function expectError(res: Response, status: number, code: string): Promise<void> {
  expect(res.status).toBe(status);
  expect(res.headers.get("Content-Type")).toContain("application/json");
  expect(res.headers.get("Content-Security-Policy")).toContain("default-src 'none'");
  expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
}

describe("the lean shake wire", () => {
  it("answers rest and greetings exactly as the JSON-body route does", async () => {
    forgetTimeline();
    const now = Date.now();
    await putTimeline({
      galaId: "wire-rest",
      sponsors: SPONSORS,
      phases: [phase("wire-later", "greeting", now + 3_600_000, now + 7_200_000)],
    });
    const { token } = await session();
    const [rest, restViaBody] = await both(token, "wire-rest-1");
    expect(rest).toMatchObject({ kind: "rest", nextStartsAt: now + 3_600_000, requestId: "wire-rest-1" });
    expect(decision(rest)).toEqual(decision(restViaBody));

    await putTimeline({ galaId: "wire-greet", sponsors: SPONSORS, phases: [phase("wire-songs", "greeting", now - 1_000, now + 600_000)] });
    forgetTimeline();
    const [greeting, greetingViaBody] = await both(token, "wire-greet-1");
    expect(greeting).toMatchObject({ kind: "greeting", phaseId: "wire-songs", assetId: "greeting-wire-songs", requestId: "wire-greet-1" });
    expect(decision(greeting)).toEqual(decision(greetingViaBody));
  });

  it("gives a repeated request id the same envelope on either wire and issues it once", async () => {
    forgetTimeline();
    const { lotteryId } = await liveLotteryShow("wire-idem");
    await createPool({ phaseId: lotteryId, sponsorId: "jade", budgetCents: 10_000, count: 100 });
    const { token } = await session();
    const first: ShakeResponse = await (await shakeWire(env, token, "wire-same")).json();
    expect(first).toMatchObject({ kind: "envelope", envelope: { phaseId: lotteryId, sponsorId: "jade", assetId: "sponsor-jade" } });
    const again = await Promise.all([
      ...Array.from({ length: 10 }, () => shakeWire(env, token, "wire-same")),
      ...Array.from({ length: 5 }, () => callWith(env, "/api/shake", shakeInit(token, "wire-same"))),
    ]);
    for (const res of again) expect(decision(await res.json())).toEqual(decision(first));
    const audit = await (await admin("GET", "/audit")).json();
    expect(audit).toMatchObject({ balanced: true, maxClaimsPerUser: 1 });
  });

  it("carries only the JSON content type on an answer, and accepts the session cookie", async () => {
    const { token } = await session();
    const res = await shakeWire(env, token, "wire-headers");
    expect(res.status).toBe(200);
    expect([...res.headers.keys()]).toEqual(["content-type"]);
    expect(res.headers.get("Content-Type")).toBe("application/json");
    await res.arrayBuffer();
    const viaCookie = await callWith(env, "/api/shake/wire-cookie", {
      method: "POST",
      headers: { Cookie: `other=1; gs_session=${token}` },
    });
    expect(viaCookie.status).toBe(200);
    expect(await viaCookie.json()).toMatchObject({ requestId: "wire-cookie" });
  });

  it("refuses bad request ids, missing and forged sessions with the API's JSON errors", async () => {
    const { token } = await session();
    for (const bad of ["x".repeat(65), "bad%20id", "a/b", "", "%00", "😀"]) {
      await expectError(await shakeWire(env, token, bad), 400, "invalid_request");
    }
    await expectError(await callWith(env, "/api/shake/no-token", { method: "POST" }), 401, "unauthorized");
    await expectError(await shakeWire(env, `${token}x`, "forged"), 401, "unauthorized");
    await expectError(await shakeWire(env, "garbage", "garbage"), 401, "unauthorized");
    await expectError(
      await callWith(env, "/api/shake/get-is-not-a-shake", { method: "GET", headers: { Authorization: `Bearer ${token}` } }),
      404,
      "not_found",
    );
  });

  it("shares one per-user window with the JSON-body route: past the limit, 429 with Retry-After", async () => {
    const limit = 20;
    const target = { ...env, SHAKE_LIMIT: String(limit) };
    const { token } = await session();
    const windowOf = (t: number) => Math.floor(t / 10_000);
    let started = Date.now();
    let answers: Response[] = [];
    do {
      if (windowOf(Date.now() + 3_000) !== windowOf(Date.now())) await new Promise((r) => setTimeout(r, 3_100));
      started = Date.now();
      answers = await inBatches(limit + 5, 25, (i) =>
        i % 2 ? shakeWire(target, token, `wl-${started}-${i}`) : callWith(target, "/api/shake", shakeInit(token, `wl-${started}-${i}`)),
      );
    } while (windowOf(Date.now()) !== windowOf(started));
    const refused = answers.filter((r) => r.status === 429);
    expect(answers.filter((r) => r.status === 200)).toHaveLength(limit);
    expect(refused).toHaveLength(5);
    expect(Number(refused[0].headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    await expectError(refused[0], 429, "rate_limited");
  });

  it("sheds a shard past its ceiling with busy and Retry-After, as the JSON-body route does", async () => {
    forgetTimeline();
    const { lotteryId } = await liveLotteryShow("wire-busy");
    await createPool({ phaseId: lotteryId, sponsorId: "lantern", budgetCents: 100_000, count: 1000 });
    const target = deployedEnv({ SHARD_RPS_CEILING: "1", ISSUANCE_PACING: "off" });
    const users = await inBatches(20, 20, () => session());
    const answers = await inBatches(20, 20, (i) => shakeWire(target, users[i].token, `wire-busy-${i}`));
    const busy = answers.filter((r) => r.headers.get("Retry-After") !== null);
    expect(busy.length).toBeGreaterThan(0);
    for (const res of busy) {
      const body: ShakeResponse = await res.json();
      expect(body).toMatchObject({ kind: "busy", retryAfterMs: body.throttle.minIntervalMs });
      expect(Number(res.headers.get("Retry-After"))).toBe(Math.ceil(body.throttle.minIntervalMs / 1000));
    }
  });
});
