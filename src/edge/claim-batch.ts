/**
 * Candidates bound for one shard within CLAIM_BATCH_MS ride one `claimBatch` call. The first
 * candidate of a window sets the window's timer in its own request, whose call it becomes;
 * candidates of other requests that arrive before it fires join the batch, and each gets its
 * own answer back from the call's answers, in order. The shard decides every candidate of a
 * batch exactly as a lone call (`claimPaced`, each in its own transaction, in arrival order),
 * so decisions and limits do not change; what a batch saves is one object call per candidate.
 *
 * A candidate carried by another request's call learns its answer from a timer of its own
 * request, every POLL_MS: workerd cancels, as hung, a request that waits on another request's
 * I/O with nothing of its own pending, and refuses to run one request's code (as a settled
 * promise's continuation would) in another's context. The calling request hands the call to
 * its background (`waitUntil`), so it finishes for the others even if that request ends. A
 * call that fails fails for every candidate of its batch, each of which is then retried or
 * shed as a lone call's would be; a claim the shard committed before the failure is found
 * again by its request id when the client retries.
 */
import { shardStub } from "../objects";
import type { PacedClaimAnswer, PacedClaimRequest } from "../wire/rpc";
import type { Background } from "./context";

/** How long the first candidate of a batch waits for others bound for the same shard. */
export const CLAIM_BATCH_MS = 1;

/** How often a candidate carried by another request's call looks for its answer. */
const POLL_MS = 1;

/** One candidate in a batch, and its answer once the call has it. */
interface Slot {
  request: PacedClaimRequest;
  /** The call answered or failed. */
  settled: boolean;
  answer?: PacedClaimAnswer;
  failed?: { error: unknown };
  /** Settles the promise of the candidate whose request makes the call (same request, so called directly). */
  wake?: () => void;
}

/** The batch gathering for each shard, until its timer fires. */
const gathering = new Map<number, Slot[]>();

/** Calls made and candidates they carried, since the isolate started (read by the tests). */
export const claimBatches = { calls: 0, candidates: 0 };

/** Carries one batch; every candidate of it gets its answer, or the call's failure. */
async function carry(env: Env, shard: number, batch: Slot[]): Promise<void> {
  try {
    const answers = await shardStub(env, shard).claimBatch(batch.map((slot) => slot.request));
    batch.forEach((slot, i) => (slot.answer = answers[i]));
  } catch (error) {
    for (const slot of batch) slot.failed = { error };
  }
  for (const slot of batch) slot.settled = true;
  batch[0].wake?.();
}

function send(env: Env, shard: number, background: Background): void {
  const batch = gathering.get(shard) ?? [];
  gathering.delete(shard);
  claimBatches.calls++;
  claimBatches.candidates += batch.length;
  background.waitUntil(carry(env, shard, batch));
}

const outcome = (slot: Slot, resolve: (answer: PacedClaimAnswer) => void, reject: (err: unknown) => void) =>
  slot.failed ? reject(slot.failed.error) : resolve(slot.answer as PacedClaimAnswer);

/**
 * The answer of a candidate another request's call carries, picked up by this request's own
 * timer: a promise settled from the calling request would run this request's code in that
 * request's context, which workerd refuses. Polling stops at `deadline` (the caller's timeout
 * answers the candidate then).
 */
function polled(slot: Slot, deadline: number): Promise<PacedClaimAnswer> {
  return new Promise((resolve, reject) => {
    const look = () => {
      if (slot.settled) outcome(slot, resolve, reject);
      else if (Date.now() < deadline) setTimeout(look, POLL_MS);
    };
    setTimeout(look, POLL_MS);
  });
}

/**
 * One candidate's claim at its shard, carried by the batch gathering for that shard: the first
 * candidate of a batch makes the call, in its own request, after CLAIM_BATCH_MS. `deadline`:
 * when the caller stops waiting.
 */
export function batchedClaim(
  env: Env,
  shard: number,
  request: PacedClaimRequest,
  background: Background,
  deadline: number,
): Promise<PacedClaimAnswer> {
  const slot: Slot = { request, settled: false };
  const batch = gathering.get(shard);
  if (batch) {
    batch.push(slot);
    return polled(slot, deadline);
  }
  gathering.set(shard, [slot]);
  setTimeout(() => send(env, shard, background), CLAIM_BATCH_MS);
  return new Promise((resolve, reject) => (slot.wake = () => outcome(slot, resolve, reject)));
}
