/**
 * Queue consumers. Settlement batches are credited to the D1 ledger in one batch (idempotent
 * per claim), then confirmed on the claims' shards; any failure retries every message of the
 * batch with exponential backoff, and the queue dead-letters a message after `max_retries`.
 * Dead letters are recorded on their claims' shards, where the admin lists and requeues them.
 */
import { retryDelaySeconds } from "../domain/settlement";
import { creditGroups } from "./group-registry";
import { creditClaims } from "./wallet-ledger";
import { groupStub, shardStub } from "../objects";
import { settlementMessage } from "../schemas";
import type { GroupSettlementMessage, SettlementMessage } from "../wire/rpc";
import { groupBy } from "../domain/group-by";
import { logMoney } from "../ops/log";
import { recordClaims } from "../ops/metrics";

interface Parsed<B extends SettlementMessage = SettlementMessage> {
  message: Message;
  body: B;
}

type ClaimMessage = Exclude<SettlementMessage, GroupSettlementMessage>;

/** Claim messages and group envelope messages of a batch, each settled on its own. */
function byKind(parsed: readonly Parsed[]): { claims: Parsed<ClaimMessage>[]; groups: Parsed<GroupSettlementMessage>[] } {
  const claims: Parsed<ClaimMessage>[] = [];
  const groups: Parsed<GroupSettlementMessage>[] = [];
  for (const p of parsed) {
    if (p.body.kind === "group") groups.push({ message: p.message, body: p.body });
    else claims.push({ message: p.message, body: p.body });
  }
  return { claims, groups };
}

function parse(batch: MessageBatch): Parsed[] {
  return batch.messages.flatMap((message) => {
    const parsed = settlementMessage.safeParse(message.body);
    if (parsed.success) return [{ message, body: parsed.data }];
    console.error("dropping a malformed settlement message", message.id);
    message.ack();
    return [];
  });
}

/** Calls `mark` once per shard with the claim ids of that shard's messages. */
async function onShards(
  env: Env,
  parsed: readonly Parsed<ClaimMessage>[],
  mark: (stub: ReturnType<typeof shardStub>, claimIds: string[]) => Promise<void>,
): Promise<void> {
  const byShard = groupBy(
    parsed,
    ({ body }) => body.shard,
    ({ body }) => body.claim.claimId,
  );
  await Promise.all([...byShard].map(([shard, claimIds]) => mark(shardStub(env, shard), claimIds)));
}

async function settleAll(parsed: readonly Parsed[], work: () => Promise<void>, what: string): Promise<void> {
  if (parsed.length === 0) return;
  try {
    await work();
    for (const { message } of parsed) message.ack();
  } catch (err) {
    console.warn(`${what} failed; retrying ${parsed.length} message(s)`, String(err));
    for (const { message } of parsed) message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
  }
}

export async function consumeSettlements(batch: MessageBatch, env: Env): Promise<void> {
  const { claims, groups } = byKind(parse(batch));
  const now = Date.now();
  await settleAll(
    claims,
    async () => {
      await creditClaims(
        env.DB,
        claims.map((p) => p.body.claim),
        now,
      );
      await onShards(env, claims, (stub, ids) => stub.markSettled(ids, now));
      recordClaims(env, "settlement", claims.map((p) => p.body));
    },
    "settlement batch",
  );
  await settleAll(
    groups,
    async () => {
      const credits = groups.flatMap((p) => p.body.credits);
      await creditGroups(env.DB, credits, now);
      for (const { entryId, kind, groupId, userId, amountCents } of credits) logMoney("settlement", { entryId, kind, groupId, userId, amountCents });
    },
    "group settlement batch",
  );
}

/** Dead claims are marked on their shards; dead group credits go back to their envelope's outbox. */
export async function consumeDeadLetters(batch: MessageBatch, env: Env): Promise<void> {
  const { claims, groups } = byKind(parse(batch));
  const now = Date.now();
  await settleAll(
    claims,
    async () => {
      await onShards(env, claims, (stub, ids) => stub.markDead(ids, now));
      recordClaims(env, "dead_letter", claims.map((p) => p.body));
    },
    "dead-letter batch",
  );
  await settleAll(
    groups,
    async () => {
      await Promise.all(groups.map((p) => groupStub(env, p.body.credits[0].groupId).redeliver(p.body.credits)));
    },
    "group dead-letter batch",
  );
}
