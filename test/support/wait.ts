/** Waiting in tests: for a condition that other work (a queue, an alarm, a background call) brings about, or for time to pass. */

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Reads until `done` holds for what `read` returns (by default: until it returns true) and
 * returns that value; fails after `timeoutMs` with the last value read.
 */
export async function eventually<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean = (value) => value === true,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`condition not reached within ${timeoutMs} ms; last value ${JSON.stringify(value)}`);
    await sleep(100);
  }
}
