/**
 * Which of a person's claims a limit keeps (docs/money-flow.md, "Which claim a limit keeps"):
 * the order the edge issued them, never the order they reached the home shard. A claim is
 * final once no earlier-issued claim of that person can still arrive by the normal path
 * (its issue time + the merge horizon); a final claim is never displaced. Among the claims
 * not final yet and the one arriving, ordered by (issue time, claim id), the earliest are
 * kept while the limits allow; a later one that no longer fits is displaced (voided, its
 * envelope back in stock), even if it was recorded first.
 */
import { mayTake } from "./limits";

export interface HeldClaim {
  claimId: string;
  sponsorId: string;
  issuedAt: number;
  /** When it became (or becomes) final. */
  finalAt: number;
}

export interface MergeDecision {
  /** The arriving claim is kept. */
  keep: boolean;
  /** Recorded claims, not final yet, that the arriving claim displaces. */
  displace: string[];
}

/** Orders claims by (issue time, claim id): the order a limit keeps them in. */
export const byIssueOrder = (a: Pick<HeldClaim, "claimId" | "issuedAt">, b: Pick<HeldClaim, "claimId" | "issuedAt">) =>
  a.issuedAt - b.issuedAt || (a.claimId < b.claimId ? -1 : a.claimId > b.claimId ? 1 : 0);

/** Where `arriving` goes among the person's recorded claims of the gala (`held`) at `now`. */
export function mergeByIssueOrder(held: readonly HeldClaim[], arriving: Omit<HeldClaim, "finalAt">, now: number): MergeDecision {
  const kept = held.filter((c) => c.finalAt <= now).map((c) => c.sponsorId);
  const open = [...held.filter((c) => c.finalAt > now), arriving].sort(byIssueOrder);
  const dropped: string[] = [];
  for (const claim of open) {
    if (mayTake(kept, claim.sponsorId)) kept.push(claim.sponsorId);
    else dropped.push(claim.claimId);
  }
  return { keep: !dropped.includes(arriving.claimId), displace: dropped.filter((id) => id !== arriving.claimId) };
}
