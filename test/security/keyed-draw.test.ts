/**
 * The candidate draw is keyed by a server secret: request ids ground offline with the old
 * public hash (or any function of public data) win no more often than random ones, a retry
 * keeps its draw, and the shake route decides with exactly this draw.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { keyedDraw } from "../../src/edge/keyed-draw";
import type { ShakeResponse } from "../../src/wire/index";
import { json, session } from "../support/api";
import { createPool, liveLotteryShow, SPONSORS } from "../support/show";

/** The draw the edge used before it was keyed (FNV-1a then murmur3's finalizer): public. */
function publicDraw(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

const RATE = 0.05;
const N = 2_000;
/** Binomial(2000, 0.05): mean 100, standard deviation 9.7; these bounds are over 4 sd away. */
const LOW = 60;
const HIGH = 140;

function candidates(galaId: string, userId: string, requestIds: string[], phaseId: string): number {
  return requestIds.filter((r) => keyedDraw(env.DRAW_SECRET, galaId, userId, r, phaseId) < RATE).length;
}

/** The draw as Web Crypto's HMAC-SHA-256 computes it: the first 32 bits of the MAC over [0, 1). */
async function webCryptoDraw(secret: string, galaId: string, userId: string, requestId: string, phaseId: string): Promise<number> {
  const encoder = new TextEncoder();
  const key = (raw: BufferSource) => crypto.subtle.importKey("raw", raw, { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const galaKey = await crypto.subtle.sign("HMAC", await key(encoder.encode(secret)), encoder.encode(`gala-shake draw v1|${galaId}`));
  const mac = await crypto.subtle.sign("HMAC", await key(galaKey), encoder.encode(JSON.stringify([userId, requestId, phaseId])));
  return new DataView(mac).getUint32(0) / 0x1_0000_0000;
}

describe("keyed candidate draw", () => {
  it("gives ground request ids no edge over random ones", async () => {
    const [userId, phaseId, galaId] = ["u_grinder", "lottery-grind", "gala-grind"];
    const ground: string[] = [];
    for (let i = 0; ground.length < N; i++) {
      if (publicDraw(`${userId}|g-${i}|${phaseId}`) < RATE) ground.push(`g-${i}`);
    }
    const counted = ground.filter((r) => publicDraw(`${userId}|${r}|${phaseId}`) < RATE).length;
    expect(counted).toBe(N);
    const random = Array.from({ length: N }, () => crypto.randomUUID());
    const groundWins = candidates(galaId, userId, ground, phaseId);
    const randomWins = candidates(galaId, userId, random, phaseId);
    expect(groundWins).toBeGreaterThan(LOW);
    expect(groundWins).toBeLessThan(HIGH);
    expect(randomWins).toBeGreaterThan(LOW);
    expect(randomWins).toBeLessThan(HIGH);
  });

  it("is repeatable per (gala, user, request, phase) and changes with the gala and the secret", () => {
    const draw = (secret: string, gala: string, user = "u", request = "r", phaseId = "p") =>
      keyedDraw(secret, gala, user, request, phaseId);
    const first = draw(env.DRAW_SECRET, "g1");
    expect(draw(env.DRAW_SECRET, "g1")).toBe(first);
    const others = [
      draw(env.DRAW_SECRET, "g2"),
      draw("another-secret", "g1"),
      draw(env.DRAW_SECRET, "g1", "u2"),
      draw(env.DRAW_SECRET, "g1", "u", "r2"),
      draw(env.DRAW_SECRET, "g1", "u", "r", "p2"),
      // No field can be shifted into its neighbour.
      draw(env.DRAW_SECRET, "g1", "u|r", "", "p"),
    ];
    for (const other of others) expect(other).not.toBe(first);
  });

  it("is the HMAC-SHA-256 Web Crypto computes, so draws survive the change of implementation", async () => {
    for (const [gala, user, request, phase] of [
      ["g1", "u", "r", "p"],
      ["gala-2026", "u_0123456789abcdef", "r-42", "lottery-1"],
      ["g", "用户", "r:é", "p"],
    ]) {
      expect(keyedDraw(env.DRAW_SECRET, gala, user, request, phase)).toBe(await webCryptoDraw(env.DRAW_SECRET, gala, user, request, phase));
    }
  });

  it("decides every lottery shake of the route with the keyed draw, the same on a retry", async () => {
    const tag = `draw-${crypto.randomUUID().slice(0, 8)}`;
    const sponsorId = SPONSORS[0].id;
    const { timeline, lotteryId } = await liveLotteryShow(tag, { candidateRate: 0.5, sponsorIds: [sponsorId] });
    await createPool({ phaseId: lotteryId, sponsorId, budgetCents: 100_000, count: 1_000 });
    let won = 0;
    for (let i = 0; i < 24; i++) {
      const { token, userId } = await session();
      const requestId = `r-${i}`;
      const expected = keyedDraw(env.DRAW_SECRET, timeline.galaId, userId, requestId, lotteryId) < 0.5 ? "envelope" : "greeting";
      for (let attempt = 0; attempt < 2; attempt++) {
        const answer = (await (await json("POST", "/api/shake", { requestId }, token)).json()) as ShakeResponse;
        expect(answer.kind).toBe(expected);
      }
      if (expected === "envelope") won++;
    }
    expect(won).toBeGreaterThan(0);
    expect(won).toBeLessThan(24);
  });
});
