/**
 * Every viewer route is admitted, not only the shake: open, present, wallet and groups are
 * rate-limited per user (and device) and per client address, and the shard calls they make
 * are admitted by the same per-shard gauge as candidates. So one session hammering made-up
 * claim ids spends its own budget, not its home shard's capacity, and the honest viewers
 * sharing that shard keep getting their envelopes.
 */
import { describe, expect, it } from "vitest";
import { forgetTimeline } from "../../src/edge/timeline-cache";
import type { ApiErrorBody, ShakeResponse } from "../../src/wire/index";
import { createPool, ORIGIN } from "../support/api";
import { callWith, deployedEnv, freshWindow } from "../support/deployed";
import { SPONSORS } from "../support/phases";
import { liveLotteryShow } from "../support/show";
import { sessionsOnShard } from "../support/viewers";

/** A viewer call with a session token (and a client address, as Cloudflare sets it). */
function viewerCall(target: Env, token: string, method: string, path: string, body?: unknown, ip?: string): Promise<Response> {
  const headers: Record<string, string> = { Authorization: `Bearer ${token}`, "Content-Type": "application/json", Origin: ORIGIN };
  if (ip) headers["CF-Connecting-IP"] = ip;
  return callWith(target, path, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
}

/** What a session hammering every viewer route with made-up ids sends, one request at a time. */
const hammer = (target: Env, token: string, i: number, ip?: string) => {
  switch (i % 4) {
    case 0:
      return viewerCall(target, token, "POST", `/api/envelopes/${crypto.randomUUID()}/open`, {}, ip);
    case 1:
      return viewerCall(target, token, "POST", "/api/envelopes/present", { signedClaims: [`made.up.${i}`] }, ip);
    case 2:
      return viewerCall(target, token, "GET", "/api/wallet", undefined, ip);
    default:
      return viewerCall(target, token, "POST", `/api/groups/g_${"0".repeat(32)}/grab`, { requestId: `h-${i}` }, ip);
  }
};

async function shake(target: Env, token: string, requestId: string): Promise<ShakeResponse> {
  const res = await callWith(target, `/api/shake/${requestId}`, { method: "POST", headers: { Authorization: `Bearer ${token}` } });
  expect(res.status).toBe(200);
  return res.json();
}

const codeOf = async (res: Response) => ((await res.json()) as ApiErrorBody).error?.code;

describe("viewer route admission", () => {
  it("one session hammering open, present, wallet and grab gets 429 past its budget, and the others on its shard still win", async () => {
    forgetTimeline();
    const { lotteryId } = await liveLotteryShow("admission");
    // 50 envelopes per sponsor on shard 6: more than its 20 honest viewers win (1 shake each).
    for (const { id: sponsorId } of SPONSORS) await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 40_000, count: 400 });
    const [attacker, ...honest] = await sessionsOnShard(6, 21);
    const target = deployedEnv({ VIEWER_LIMIT: "30" });
    await freshWindow(10, 6);

    const attack = Promise.all(Array.from({ length: 400 }, (_, i) => hammer(target, attacker.token, i)));
    const wins = await Promise.all(honest.map((v, i) => shake(target, v.token, `honest-${i}`)));
    const statuses = await Promise.all((await attack).map(async (res) => `${res.status} ${res.ok ? "" : await codeOf(res)}`.trim()));

    expect(wins.map((w) => w.kind)).toEqual(honest.map(() => "envelope"));
    expect(statuses.filter((s) => s === "429 rate_limited").length).toBeGreaterThanOrEqual(400 - 30);
    expect(statuses.filter((s) => s.startsWith("5"))).toEqual([]);
  });

  it("admits the shard calls of viewer routes like candidates: past the shard's ceiling they answer 503 busy with Retry-After", async () => {
    const viewers = await sessionsOnShard(2, 40);
    const target = deployedEnv({ SHARD_RPS_CEILING: "20" });
    const answers = await Promise.all(
      viewers.flatMap((v, i) => [
        viewerCall(target, v.token, "GET", "/api/wallet"),
        viewerCall(target, v.token, "POST", `/api/envelopes/${crypto.randomUUID()}/open`, {}),
        hammer(target, v.token, i * 4),
      ]),
    );
    const busy = answers.filter((res) => res.status === 503);
    expect(busy.length).toBeGreaterThan(0);
    for (const res of busy) {
      expect(await codeOf(res)).toBe("busy");
      expect(Number(res.headers.get("Retry-After"))).toBeGreaterThanOrEqual(1);
    }
    expect(answers.filter((res) => res.status >= 500 && res.status !== 503)).toEqual([]);
    expect(answers.filter((res) => res.status === 200).length).toBeGreaterThan(0);
  });

  it("counts every session behind one client address together (IPv6 per /64), and no other address", async () => {
    const viewers = await sessionsOnShard(4, 12);
    const target = deployedEnv({ ADDRESS_LIMIT: "40" });
    await freshWindow(10, 6);
    const wallets = (ip: string) =>
      Promise.all(
        viewers.flatMap((v) => Array.from({ length: 5 }, () => viewerCall(target, v.token, "GET", "/api/wallet", undefined, ip))),
      );
    const fromOne = await wallets("198.51.100.23");
    expect(fromOne.filter((r) => r.status === 200)).toHaveLength(40);
    expect(fromOne.filter((r) => r.status === 429)).toHaveLength(20);
    expect((await wallets("198.51.100.24")).filter((r) => r.status === 200)).toHaveLength(40);
    const v6 = await Promise.all([
      ...Array.from({ length: 30 }, () => viewerCall(target, viewers[0].token, "GET", "/api/wallet", undefined, "2001:db8:7:1::a")),
      ...Array.from({ length: 30 }, () =>
        viewerCall(target, viewers[1].token, "GET", "/api/wallet", undefined, "2001:0db8:0007:0001:ffff::b"),
      ),
    ]);
    expect(v6.filter((r) => r.status === 200)).toHaveLength(40);
  });
});
