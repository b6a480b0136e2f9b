/**
 * `X-Gala-Retry` with every kind of value a client (or a cheater) can send, once the lottery
 * its request id won in has ended: only the mark naming that lottery phase asks the viewer's
 * shard (and gets the envelope back); no mark, an empty one, an older client's `1`, a greeting
 * or a future lottery's id, another case, a list, garbage of any length: the answer of now,
 * with no object call and never a 5xx (DESIGN.md: idempotency, admitted; docs/overload.md).
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { PoolShard } from "../../durable-objects/pool-shard";
import { shardStub } from "../../src/objects";
import type { ShakeResponse } from "../../src/wire/index";
import { admin, call, createPool, putTimeline, session } from "../support/api";
import { phase, SPONSORS } from "../support/phases";
import { patchObjects } from "../support/show";

async function marked(token: string, requestId: string, marks: string[]): Promise<ShakeResponse> {
  const headers = new Headers({ Authorization: `Bearer ${token}` });
  for (const mark of marks) headers.append("X-Gala-Retry", mark);
  const res = await call(`/api/shake/${requestId}`, { method: "POST", headers });
  expect(res.status, JSON.stringify(marks)).toBe(200);
  return (await res.json()) as ShakeResponse;
}

describe("X-Gala-Retry, every value", () => {
  it("asks the shard only for the lottery phase the request id was sent in, and answers every other mark as now, with no call", async () => {
    const now = Date.now();
    const tag = crypto.randomUUID().slice(0, 6);
    const [lotteryId, greetingId, futureId] = [`marks-${tag}`, `marks-greeting-${tag}`, `marks-future-${tag}`];
    await putTimeline({
      galaId: `gala-marks-${tag}`,
      sponsors: SPONSORS,
      phases: [
        phase(lotteryId, "lottery", now - 60_000, now + 600_000, { sponsorIds: ["aurora"] }),
        phase(greetingId, "greeting", now + 600_000, now + 900_000),
        phase(futureId, "lottery", now + 900_000, now + 1_200_000, { sponsorIds: ["aurora"] }),
      ],
    });
    await createPool({ phaseId: lotteryId, sponsorId: "aurora", budgetCents: 1_000, count: 10 });
    const v = await session();
    const won = await marked(v.token, "marks-won", []);
    expect(won.kind).toBe("envelope");
    expect((await admin("POST", `/timeline/phases/${lotteryId}/stop`, {})).status).toBe(200);

    let lookUps = 0;
    await patchObjects<PoolShard, "earlierWin">(
      shardStub(env, 0),
      "earlierWin",
      (original) =>
        function (this: PoolShard, ...args: Parameters<PoolShard["earlierWin"]>) {
          lookUps++;
          return original.apply(this, args);
        },
      async () => {
        const others = [
          [],
          [""],
          ["1"],
          ["0"],
          ["true"],
          [greetingId],
          [futureId],
          [lotteryId.toUpperCase()],
          [` ${lotteryId}x`],
          [lotteryId, lotteryId],
          [`${lotteryId},${greetingId}`],
          ["x".repeat(64)],
          ["../".repeat(300)],
        ];
        for (const marks of others) {
          const answer = await marked(v.token, "marks-won", marks);
          expect(answer.kind, JSON.stringify(marks)).toBe("rest");
        }
        expect(lookUps).toBe(0);

        const again = await marked(v.token, "marks-won", [lotteryId]);
        expect(again.kind === "envelope" && again.envelope).toEqual(won.kind === "envelope" && won.envelope);
        // A request id that never won, marked with that phase (every shake was a candidate there): one look-up, the answer of now.
        expect((await marked(v.token, "marks-never", [lotteryId])).kind).toBe("rest");
        expect(lookUps).toBe(2);
      },
    );
    const audit = (await (await admin("GET", "/audit")).json()) as { balanced: boolean; maxClaimsPerUser: number };
    expect(audit).toMatchObject({ balanced: true, maxClaimsPerUser: 1 });
  });
});
