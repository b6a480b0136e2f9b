/** Test helpers for logs, metrics and alerts: a dead letter delivered to the real DLQ consumer, and the JSON lines written. */
import { createExecutionContext, createMessageBatch, getQueueResult } from "cloudflare:test";
import { env } from "cloudflare:workers";
import type { MockInstance } from "vitest";
import worker from "../../src/index";
import { userShard } from "../../src/objects";
import type { SettlementMessage } from "../../src/wire/rpc";
import type { Winner } from "./lottery";

export type Line = Record<string, unknown> & { type: string; event: string };

/** The JSON lines among the calls of console spies, optionally of one `type`. */
export function jsonLines(spies: readonly MockInstance[], type?: string): Line[] {
  return spies
    .flatMap((spy) => spy.mock.calls)
    .flatMap(([first]) => {
      if (typeof first !== "string" || !first.startsWith("{")) return [];
      const line = JSON.parse(first) as Line;
      return type === undefined || line.type === type ? [line] : [];
    });
}

/** The winner's claim as the dead-letter queue hands it to the worker after the last retry. */
export async function deadLetter(w: Winner, poolId = "p-dead"): Promise<SettlementMessage> {
  const body: SettlementMessage = {
    kind: "claims",
    shard: userShard(env, w.userId),
    claims: [
      {
        claimId: w.envelope.claimId,
        userId: w.userId,
        poolId,
        phaseId: w.envelope.phaseId,
        sponsorId: w.envelope.sponsorId,
        amountCents: w.envelope.amountCents,
        claimedAt: Date.now(),
      },
    ],
  };
  const batch = createMessageBatch<SettlementMessage>(env.SETTLEMENT_DLQ, [
    { id: `dead-${crypto.randomUUID()}`, timestamp: new Date(), attempts: 11, body },
  ]) as MessageBatch;
  const ctx = createExecutionContext();
  await worker.queue(batch, env);
  await getQueueResult(batch, ctx);
  return body;
}
