/**
 * The model suite's dishonest viewer (test/model/money-model.test.ts): it sends no holdings,
 * so isolates that do not know its wins issue it more of a sponsor than the limits allow, and
 * it presents its leased wins in an order of its choosing (latest first, largest first,
 * shuffled), leaving some out. What it keeps must be what issue order keeps, never what its
 * order chooses: pure rules over the wins as the viewer saw them, and `keptByMerge`, which asks
 * the system what it kept and checks it against them.
 */
import { expect } from "vitest";
import { MAX_ENVELOPES_PER_USER, mayTake } from "../../src/domain/limits";
import type { Viewer } from "../support/viewers";
import * as sys from "./system";

/** One of the viewer's wins: a leased win's issue time is in its signed claim; a shard claim's lies between its request and its answer. */
export interface Win {
  claimId: string;
  sponsorId: string;
  cents: number;
  issuedFrom: number;
  issuedTo: number;
  /** A leased win (it has a signed claim the viewer presents). */
  leased: boolean;
  /** Left out of the presentation the PWA makes when its isolate was lost: known to the shard only when presented later, maybe after a later win became final. */
  withheld: boolean;
}

export type Order = "latest" | "largest" | "shuffled";

/** The wins to present, in the viewer's chosen order, leaving out those `omit`'s bits name. */
export function presentation(wins: readonly Win[], order: Order, omit: number, seed: number): Win[] {
  const leased = wins.filter((w) => w.leased);
  const sorted =
    order === "latest"
      ? [...leased].sort((a, b) => b.issuedFrom - a.issuedFrom)
      : order === "largest"
        ? [...leased].sort((a, b) => b.cents - a.cents)
        : [...leased].sort((a, b) => rank(a.claimId, seed) - rank(b.claimId, seed));
  return sorted.filter((_, i) => (omit & (1 << i)) === 0);
}

const rank = (id: string, seed: number) => [...id].reduce((h, c) => Math.imul(h ^ c.charCodeAt(0), 16_777_619) >>> 0, seed >>> 0);

/** -1 when a was issued before b, 1 after, 0 when the model cannot tell (a shard claim's window overlaps the other's). */
function issueOrder(a: Win, b: Win): number {
  if (a.issuedTo < b.issuedFrom) return -1;
  if (b.issuedTo < a.issuedFrom) return 1;
  if (a.leased && b.leased && a.issuedFrom === b.issuedFrom) return a.claimId < b.claimId ? -1 : 1;
  return 0;
}

/** What an honest viewer keeps of these wins: the earliest issued while the limits allow; null when the order is not known. */
export function honestKeeps(wins: readonly Win[]): Set<string> | null {
  for (const a of wins) for (const b of wins) if (a !== b && issueOrder(a, b) === 0) return null;
  const kept: string[] = [];
  const ids = new Set<string>();
  for (const w of [...wins].sort(issueOrder)) {
    if (!mayTake(kept, w.sponsorId)) continue;
    kept.push(w.sponsorId);
    ids.add(w.claimId);
  }
  return ids;
}

/**
 * Voided wins that a later kept win blocks: the merge must void a win only for the kept wins
 * issued before it (or maybe before it), unless the viewer withheld it past its isolate's loss.
 */
export function voidedByLater(wins: readonly Win[], kept: ReadonlySet<string>): string[] {
  return wins.flatMap((v) => {
    if (kept.has(v.claimId) || v.withheld) return [];
    const earlier = wins.filter((k) => kept.has(k.claimId) && issueOrder(k, v) <= 0).map((k) => k.sponsorId);
    return mayTake(earlier, v.sponsorId) ? [v.claimId] : [];
  });
}

/**
 * The wins the merge kept: the viewer presents every leased win, latest first (recorded or
 * voided), and opens each shard-claim win (200 kept, 409 displaced by an earlier leased one).
 * Issue order decides: no win is voided for a later kept one unless the viewer withheld it past
 * its isolate's loss, and with nothing withheld it keeps what an honest viewer would.
 */
export async function keptByMerge(v: Viewer, wins: readonly Win[], signed: ReadonlyMap<string, string>): Promise<Set<string>> {
  const leased = presentation(wins, "latest", 0, 0);
  const statuses = await sys.present(
    v,
    leased.map((w) => signed.get(w.claimId)!),
  );
  const kept = new Set(leased.filter((_, i) => statuses[i] === "recorded").map((w) => w.claimId));
  for (const w of wins.filter((x) => !x.leased)) {
    const status = await sys.open(v, w.claimId);
    expect([200, 409]).toContain(status);
    if (status === 200) kept.add(w.claimId);
  }
  const sponsors = wins.filter((w) => kept.has(w.claimId)).map((w) => w.sponsorId);
  expect(new Set(sponsors).size).toBe(sponsors.length);
  expect(sponsors.length).toBeLessThanOrEqual(MAX_ENVELOPES_PER_USER);
  expect(voidedByLater(wins, kept), JSON.stringify(wins)).toEqual([]);
  const honest = honestKeeps(wins);
  if (honest && !wins.some((w) => w.withheld)) expect([...kept].sort(), JSON.stringify(wins)).toEqual([...honest].sort());
  return kept;
}
