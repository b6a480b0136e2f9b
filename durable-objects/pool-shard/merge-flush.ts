/**
 * MergeFlush: carries a lease shard's waiting claims (merges.ts) to their home shards, one
 * batched call per home shard per flush (`mergeClaims`), and applies each home's answers
 * (leases.ts `settleMerges`). A flush runs from the shard's alarm at most MERGE_FLUSH after
 * the first claim of a batch waits, so the claims of every isolate that reported meanwhile
 * share the calls; a presentation merges its own claims at once. A failed call leaves its
 * claims waiting (their envelopes stay leased) and the alarm retries with backoff; a repeated
 * merge is harmless: the home records a claim once and answers a repeat as the first time.
 */
import { retryDelaySeconds } from "../../src/domain/settlement";
import { shardStub } from "../../src/objects";
import { groupBy } from "../../src/domain/group-by";
import type { LeasedClaim, MergeOutcome } from "../../src/wire/rpc";
import type { AlarmBy } from "./alarm-by";
import type { Leases } from "./leases";
import type { MergeBatch, Merges } from "./merges";

export class MergeFlush {
  #storage: DurableObjectStorage;
  #env: Env;
  #leases: Leases;
  #merges: Merges;
  #alarm: AlarmBy;
  #flushMs: number;
  /** Consecutive flushes with a failed call, for the retry backoff (memory only). */
  #failed = 0;

  constructor(storage: DurableObjectStorage, env: Env, parts: { leases: Leases; merges: Merges; alarm: AlarmBy }, flushMs: number) {
    this.#storage = storage;
    this.#env = env;
    this.#leases = parts.leases;
    this.#merges = parts.merges;
    this.#alarm = parts.alarm;
    this.#flushMs = flushMs;
  }

  /** Makes sure claims queued now are merged within the flush delay. */
  async soon(now: number): Promise<void> {
    await this.#alarm.by(now + this.#flushMs);
  }

  /** Merges the waiting claims into their homes (at most a batch per home); what a failed call carried stays waiting for the alarm's retry. */
  async flush(now: number): Promise<void> {
    const batches = this.#merges.waiting();
    if (batches.length > 0) await this.#merge(batches, now, true);
  }

  /**
   * A presentation's claims (reported to this lease shard, another shard their home): merged
   * now if they wait, else their homes say how they stand now (a claim recorded there may have
   * been displaced since); throws when a home cannot answer (they stay waiting for the alarm).
   */
  async ask(claims: readonly LeasedClaim[], now: number): Promise<MergeOutcome[]> {
    const byHome = groupBy(
      claims,
      (c) => c.homeShard,
      (c) => c,
    );
    return this.#merge(
      [...byHome].map(([homeShard, group]) => ({ homeShard, claims: group })),
      now,
      false,
    );
  }

  async #merge(batches: readonly MergeBatch[], now: number, fromOutbox: boolean): Promise<MergeOutcome[]> {
    const answers = await Promise.allSettled(batches.map((b) => shardStub(this.#env, b.homeShard).mergeClaims(b.claims)));
    const outcomes = answers.flatMap((a) => (a.status === "fulfilled" ? a.value : []));
    this.#storage.transactionSync(() => {
      this.#leases.mergeCalls(batches.length);
      this.#leases.settleMerges(outcomes, Date.now());
    });
    const failed = answers.filter((a) => a.status === "rejected");
    if (failed.length > 0) {
      this.#failed += 1;
      console.warn("merge into home shards failed; retrying by alarm", failed.length, String((failed[0] as PromiseRejectedResult).reason));
      await this.#alarm.by(now + retryDelaySeconds(this.#failed) * 1000);
    } else {
      this.#failed = 0;
      // More than one batch per home was waiting: the rest go with the next flush, soon.
      if (fromOutbox && this.#merges.waitingCount() > 0) await this.soon(now);
    }
    if (!fromOutbox && failed.length > 0) throw new Error("a home shard could not take the presented claims now");
    return outcomes;
  }
}
