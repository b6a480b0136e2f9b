/**
 * Pure settlement rules: retry backoff for the queue consumer, which phases must settle,
 * and the wallet view merged from the ledger (settled) and the user's shard (pending).
 */
import type { PendingClaim, SettlementClaim, Timeline, WalletEntry, WalletResponse } from "../wire/index";
import type { ClaimSettlementMessage, ShardUserClaim } from "../wire/rpc";

/** Ledger kind of a won envelope's credit, and its idempotency key: one row per claim. */
export const ENVELOPE_KIND = "envelope";
export const claimEntryId = (claimId: string) => `claim:${claimId}`;

export const RETRY_BASE_SECONDS = 1;
export const RETRY_MAX_SECONDS = 300;

/** Exponential backoff by delivery attempt (1-based): 1 s, 2 s, 4 s, … capped at 5 minutes. */
export function retryDelaySeconds(attempts: number): number {
  const exponent = Math.max(0, Math.min(attempts - 1, 30));
  return Math.min(RETRY_MAX_SECONDS, RETRY_BASE_SECONDS * 2 ** exponent);
}

/** Lottery phases that ended at or before `at`: their claims must be on their way to wallets. */
export function endedLotteryPhaseIds(timeline: Timeline | null, at: number): string[] {
  return (timeline?.phases ?? []).filter((p) => p.kind === "lottery" && p.endsAt <= at).map((p) => p.id);
}

/** The claim fields a settlement message carries, without the shard's bookkeeping. */
/**
 * Claims per settlement message: a shard's batch travels as one message (about 200 bytes a
 * claim, far under the queue's 128 KB message limit), so the message rate is the claim rate
 * divided by the batch size (docs/capacity.md, the ledger at gala scale).
 */
export const CLAIMS_PER_MESSAGE = 200;

/** One shard's claims as settlement messages of at most CLAIMS_PER_MESSAGE claims each. */
export function claimMessages(shard: number, claims: readonly SettlementClaim[]): ClaimSettlementMessage[] {
  const messages: ClaimSettlementMessage[] = [];
  for (let i = 0; i < claims.length; i += CLAIMS_PER_MESSAGE) {
    messages.push({ kind: "claims", shard, claims: claims.slice(i, i + CLAIMS_PER_MESSAGE).map(settlementClaim) });
  }
  return messages;
}

export function settlementClaim(claim: SettlementClaim | PendingClaim | ShardUserClaim): SettlementClaim {
  const { claimId, userId, poolId, phaseId, sponsorId, amountCents, claimedAt } = claim;
  return { claimId, userId, poolId, phaseId, sponsorId, amountCents, claimedAt };
}

export interface LedgerEntryView {
  entryId: string;
  kind: string;
  amountCents: number;
  claimId: string | null;
  sponsorId: string | null;
  phaseId: string | null;
  createdAt: number;
}

/**
 * Settled rows come from the ledger (the newest of them); a claim of the user is pending when
 * the ledger does not hold it (`settledClaimIds`, asked of the ledger for exactly these claims,
 * never inferred from the rows shown).
 */
export function walletView(
  userId: string,
  ledger: { balanceCents: number; rows: readonly LedgerEntryView[]; settledClaimIds: readonly string[] },
  claims: readonly ShardUserClaim[],
): WalletResponse {
  const { balanceCents } = ledger;
  const settledClaims = new Set(ledger.settledClaimIds);
  const pending: WalletEntry[] = claims
    .filter((claim) => !settledClaims.has(claim.claimId))
    .map((claim) => ({
      entryId: claimEntryId(claim.claimId),
      kind: ENVELOPE_KIND,
      status: "pending",
      amountCents: claim.amountCents,
      claimId: claim.claimId,
      sponsorId: claim.sponsorId,
      phaseId: claim.phaseId,
      at: claim.claimedAt,
    }));
  const settled: WalletEntry[] = ledger.rows.map(({ createdAt, ...row }) => ({ ...row, status: "settled", at: createdAt }));
  return {
    userId,
    balanceCents,
    pendingCents: pending.reduce((sum, e) => sum + e.amountCents, 0),
    entries: [...pending, ...settled],
  };
}
