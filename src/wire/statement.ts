/** The sponsor statement (`GET /api/admin/sponsors/{sponsorId}/statement`): where one sponsor's money went. */
import type { Cents, EpochMs } from "./api";

/** One checked equation of a sponsor statement: `left relation right`, in cents. */
export interface StatementEquation {
  name: string;
  relation: "=" | "≤";
  left: Cents;
  right: Cents;
  holds: boolean;
}

/** One pool of a sponsor statement, in cents (counts are envelopes). */
export interface StatementLine {
  phaseId: string;
  phaseTitle: string;
  poolId: string;
  /** Loaded into the shards (the pool's budget). */
  loadedCents: Cents;
  loadedCount: number;
  /** Won by viewers and recorded (claims). */
  issuedCents: Cents;
  issuedCount: number;
  /** Opened by their winners (of the issued). */
  openedCents: Cents;
  openedCount: number;
  /** In viewers' wallets (the ledger's credits of this pool's claims: opened, or swept at phase close). */
  settledCents: Cents;
  settledCount: number;
  /**
   * The settled split as the shards confirmed it: opened by their winners, and swept (settled
   * without being opened: the phase-close sweep sent them; one opened later counts as opened).
   */
  settledOpenedCents: Cents;
  settledOpenedCount: number;
  settledSweptCents: Cents;
  settledSweptCount: number;
  /** In wallets, their confirmation not back at the shard yet: settled − settledOpened − settledSwept (0 once settlement is done). */
  confirmingCents: Cents;
  /** Edge-lease wins voided at their record (a limit, a late or repeated claim): never issued, their envelopes back in stock. */
  voidedCents: Cents;
  voidedCount: number;
  /** Issued, not in a wallet yet (on the settlement queue or waiting to be opened or swept). */
  toWalletsCents: Cents;
  /** Lent to edge isolates and not reported yet (voided lease claims are back in stock). */
  lentCents: Cents;
  /** Still in the shards' stock. */
  inStockCents: Cents;
  /** Leftovers rolled over from other pools, and out of this one. */
  rolledInCents: Cents;
  rolledOutCents: Cents;
  /** Leftovers of this pool returned to the sponsor (no later lottery phase). */
  returnedCents: Cents;
  reconciled: boolean;
  equations: StatementEquation[];
}

/** `GET /api/admin/sponsors/{sponsorId}/statement`: where a sponsor's money went, reconciled to the cent. */
export interface SponsorStatement {
  sponsorId: string;
  galaId: string;
  /** When the stores were read. */
  readAt: EpochMs;
  reconciled: boolean;
  totals: {
    loadedCents: Cents;
    issuedCents: Cents;
    openedCents: Cents;
    settledCents: Cents;
    settledOpenedCents: Cents;
    settledSweptCents: Cents;
    confirmingCents: Cents;
    voidedCents: Cents;
    toWalletsCents: Cents;
    lentCents: Cents;
    inStockCents: Cents;
    returnedCents: Cents;
    /** Taken from a pool by a move and not landed yet. */
    movingCents: Cents;
    /** toWallets + lent + moving. */
    inMotionCents: Cents;
  };
  equations: StatementEquation[];
  pools: StatementLine[];
}
