/**
 * The limits are per person per gala: 3 envelopes and 1 per sponsor in one gala, counted
 * afresh in the next gala, exactly, under concurrent shakes.
 */
import { describe, expect, it } from "vitest";
import type { AuditReport, ShakeResponse, WonEnvelope } from "../../src/wire/index";
import { admin, createPool, json, session } from "../support/api";
import { liveLotteryShow } from "../support/show";

async function burst(token: string, tag: string, n: number): Promise<WonEnvelope[]> {
  const answers = await Promise.all(
    Array.from(
      { length: n },
      async (_, i) => (await (await json("POST", "/api/shake", { requestId: `${tag}-${i}` }, token)).json()) as ShakeResponse,
    ),
  );
  return answers.flatMap((a) => (a.kind === "envelope" ? [a.envelope] : []));
}

async function galaWithPools(tag: string): Promise<void> {
  const { lotteryId } = await liveLotteryShow(tag);
  for (const sponsorId of ["aurora", "jade", "lantern", "phoenix"]) {
    await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 40_000, count: 400 });
  }
}

describe("limits per person per gala", () => {
  it("gives a user 3 envelopes (1 per sponsor) in each gala, a second gala starting afresh", async () => {
    const { token } = await session();
    await galaWithPools("limits-first");
    const first = await burst(token, "first", 120);
    expect(first).toHaveLength(3);
    expect(new Set(first.map((e) => e.sponsorId)).size).toBe(3);
    expect(await burst(token, "first-again", 40)).toHaveLength(0);

    await galaWithPools("limits-second");
    const second = await burst(token, "second", 120);
    expect(second).toHaveLength(3);
    expect(new Set(second.map((e) => e.sponsorId)).size).toBe(3);
    const report = (await (await admin("GET", "/audit")).json()) as AuditReport;
    expect(report).toMatchObject({ maxClaimsPerUser: 3, maxClaimsPerUserSponsor: 1, duplicateEnvelopeClaims: 0 });
  });
});
