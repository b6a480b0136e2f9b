/**
 * The shard's one alarm, shared by the tasks that need a timer (the settlement outbox, the
 * merge of leased claims into their home shards, the deep check's slices): each asks for it to fire by some time, and
 * `alarm()` runs every task, each of which asks again for what it still has to do. Asking
 * early is harmless: every task is safe to run before it is due.
 */
export class AlarmBy {
  #storage: DurableObjectStorage;
  /** When an alarm is known to be set; memory only. */
  #armedAt: number | null = null;

  constructor(storage: DurableObjectStorage) {
    this.#storage = storage;
  }

  /** The alarm fired: nothing is known to be set any more. */
  fired(): void {
    this.#armedAt = null;
  }

  /** Makes sure the alarm fires by `at`. */
  async by(at: number): Promise<void> {
    if (this.#armedAt !== null && this.#armedAt <= at) return;
    const current = await this.#storage.getAlarm();
    if (current === null || current > at) await this.#storage.setAlarm(at);
    this.#armedAt = Math.min(at, current ?? at);
  }
}
