/**
 * The counts every footprint starts from: shakes, candidates, envelopes issued and opened,
 * settlement messages, group envelopes, page time, the cron's minutes, and what the night
 * leaves in the stores (which the history-reading audit and repairs scan).
 */
import type { DeploymentInputs, ShowInputs } from "../shows.ts";

export interface ShowFigures {
  shakes: number;
  candidates: number;
  issued: number;
  opened: number;
  /**
   * Claims one settlement message carries: a shard's opened claims per outbox flush, with the
   * opens spread over the lottery phases (at least one); the messages and consumer batches.
   */
  claimsPerMessage: number;
  messages: number;
  batches: number;
  groups: number;
  grabs: number;
  pageOpens: number;
  /** Seconds of pages open, summed over phones. */
  pageSeconds: number;
  showSeconds: number;
  /** Minutes of the minute cron before, during and after the show. */
  cronMinutes: { before: number; during: number; after: number };
  /** What the stores hold once the night is over. */
  stored: { claims: number; envelopesLeft: number; ledgerRows: number; wallets: number; groups: number };
}

/** Shakes over the whole show: every phone shakes at the client's interval while it shakes. */
export const shakesOf = (s: ShowInputs) => (s.viewers * s.shakingSecondsPerViewer * 1_000) / s.shakeIntervalMs;

export function figuresOf(s: ShowInputs, d: DeploymentInputs): ShowFigures {
  const shakes = shakesOf(s);
  const candidates = Math.min(shakes, (s.envelopes / d.candidateWinShare) * d.candidateRateFactor);
  const issued = Math.min(s.envelopes, candidates * d.candidateWinShare);
  const opened = issued * s.openShare;
  const issuingSeconds = Math.max(1, s.lotteryPhases * s.lotteryPhaseSeconds);
  const opensPerShardFlush = opened / issuingSeconds / d.shards / (1_000 / d.settlementFlushMs);
  const claimsPerMessage = Math.max(1, opensPerShardFlush);
  const messages = issued / claimsPerMessage;
  const groups = issued * s.groupShare;
  const grabs = groups * s.grabsPerGroup;
  const showSeconds = s.showHours * 3_600;
  const ledgerRows = issued + groups + grabs;
  return {
    shakes,
    candidates,
    issued,
    opened,
    claimsPerMessage,
    messages,
    batches: messages / d.queueBatchSize,
    groups,
    grabs,
    pageOpens: s.viewers * s.pageOpensPerViewer,
    pageSeconds: s.viewers * s.pageOpenMinutes * 60,
    showSeconds,
    cronMinutes: { before: d.daysBefore * 1_440, during: showSeconds / 60, after: d.daysAfter * 1_440 },
    stored: {
      claims: issued,
      envelopesLeft: s.envelopes - issued,
      ledgerRows,
      wallets: Math.min(s.viewers, ledgerRows),
      groups,
    },
  };
}
