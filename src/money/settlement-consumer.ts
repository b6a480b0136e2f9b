/**
 * Queue consumers. Settlement batches are credited to the ledger partitions, one write per
 * partition (idempotent per claim), then confirmed where they came from (the claims' shards, the group envelopes'
 * outboxes), but only for the credits the ledger holds afterwards: a credit the ledger did
 * not keep stays unconfirmed, its message is retried, and the repair sends it again after a
 * bound (repair.ts). Any failure retries every message of the batch with exponential
 * backoff, and the queue dead-letters a message after `max_retries`. Dead letters are
 * recorded on their claims' shards (and group credits go back to their outbox); a dead
 * letter that cannot even be recorded is still unconfirmed at its source, so the repair
 * finds it: no settlement depends on a queue message surviving.
 */
import { retryDelaySeconds } from "../domain/settlement";
import { creditGroups } from "./group-registry";
import { creditClaims } from "./wallet-ledger";
import { groupStub, shardStub } from "../objects";
import { settlementMessage } from "../schemas";
import type { GroupCredit, GroupSettlementMessage, SettlementMessage } from "../wire/rpc";
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

/** Every claim of these messages with its shard. */
const eachClaim = (parsed: readonly Parsed<ClaimMessage>[]) =>
  parsed.flatMap(({ body }) => body.claims.map((claim) => ({ shard: body.shard, claim })));

/** Calls `mark` once per shard with the claim ids of that shard's messages. */
async function onShards(
  env: Env,
  parsed: readonly Parsed<ClaimMessage>[],
  mark: (stub: ReturnType<typeof shardStub>, claimIds: string[]) => Promise<void>,
): Promise<void> {
  const byShard = groupBy(
    parsed,
    ({ body }) => body.shard,
    ({ body }) => body.claims.map((c) => c.claimId),
  );
  await Promise.all([...byShard].map(([shard, claimIds]) => mark(shardStub(env, shard), claimIds.flat())));
}

/** Runs `work` for the batch; acks what it settled and retries the rest (everything when it throws). */
async function settleAll<P extends Parsed>(parsed: readonly P[], work: () => Promise<readonly P[]>, what: string): Promise<void> {
  if (parsed.length === 0) return;
  let unsettled: readonly P[];
  try {
    unsettled = await work();
  } catch (err) {
    console.warn(`${what} failed; retrying ${parsed.length} message(s)`, String(err));
    unsettled = parsed;
  }
  if (unsettled.length > 0 && unsettled !== parsed) console.warn(`${what}: ${unsettled.length} credit(s) not in the ledger; retrying`);
  for (const p of parsed) {
    if (unsettled.includes(p)) p.message.retry({ delaySeconds: retryDelaySeconds(p.message.attempts) });
    else p.message.ack();
  }
}

/** Tells each group envelope which of its credits the ledger now holds. */
async function confirmGroups(env: Env, credits: readonly GroupCredit[]): Promise<void> {
  const byGroup = groupBy(
    credits,
    (c) => c.groupId,
    (c) => c.entryId,
  );
  await Promise.all([...byGroup].map(([groupId, entryIds]) => groupStub(env, groupId).confirm(entryIds)));
}

export async function consumeSettlements(batch: MessageBatch, env: Env): Promise<void> {
  const { claims, groups } = byKind(parse(batch));
  const now = Date.now();
  await settleAll(
    claims,
    async () => {
      const inLedger = await creditClaims(
        env,
        claims.flatMap((p) => p.body.claims),
        now,
      );
      const settled = claims.map((p) => ({ ...p, body: { ...p.body, claims: p.body.claims.filter((c) => inLedger.has(c.claimId)) } }));
      await onShards(env, settled, (stub, ids) => stub.markSettled(ids, now));
      recordClaims(env, "settlement", eachClaim(settled));
      return claims.filter((p) => p.body.claims.some((c) => !inLedger.has(c.claimId)));
    },
    "settlement batch",
  );
  await settleAll(
    groups,
    async () => {
      const credits = groups.flatMap((p) => p.body.credits);
      const inLedger = await creditGroups(env, credits, now);
      const confirmed = credits.filter((c) => inLedger.has(c.entryId));
      await confirmGroups(env, confirmed);
      for (const { entryId, kind, groupId, userId, amountCents } of confirmed)
        logMoney("settlement", { entryId, kind, groupId, userId, amountCents });
      return groups.filter((p) => p.body.credits.some((c) => !inLedger.has(c.entryId)));
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
      recordClaims(env, "dead_letter", eachClaim(claims));
      return [];
    },
    "dead-letter batch",
  );
  await settleAll(
    groups,
    async () => {
      await Promise.all(groups.map((p) => groupStub(env, p.body.credits[0].groupId).redeliver(p.body.credits)));
      return [];
    },
    "group dead-letter batch",
  );
}
