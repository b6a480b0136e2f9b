/**
 * What the edge does with an exception from a Durable Object call, following the
 * platform's flags (Cloudflare, "Durable Objects: error handling"): `overloaded` errors
 * must not be retried (retrying feeds the overload), `retryable` ones may be retried on a
 * fresh stub, and anything else is given up on. Retries are bounded by the caller.
 */
export type ShardErrorAction = "shed-overloaded" | "retry" | "shed-failed";

function flag(err: unknown, name: "overloaded" | "retryable"): boolean {
  return typeof err === "object" && err !== null && (err as Record<string, unknown>)[name] === true;
}

export function shardErrorAction(err: unknown, retriesLeft: number): ShardErrorAction {
  if (flag(err, "overloaded")) return "shed-overloaded";
  if (flag(err, "retryable") && retriesLeft > 0) return "retry";
  return "shed-failed";
}
