/**
 * Structured log lines: one JSON object per money event, admin change or alert, written to
 * the console, which Workers Logs stores and indexes field by field (wrangler.toml
 * `[observability]`). Every line carries `type`, `event` and `at`, then the ids that let one
 * claim be followed from shake to wallet: `claimId`, `userId`, `shard`, `phaseId`, `poolId`,
 * `groupId`, `requestId`.
 */
export type MoneyEvent = "claim" | "open" | "settlement" | "dead_letter" | "repair" | "group_create" | "group_grab" | "group_refund";

export type LogFields = Record<string, string | number | boolean | null | undefined>;

export type LogType = "money" | "admin" | "alert" | "auth";

export function logLine(type: LogType, event: string, fields: LogFields): void {
  const line = JSON.stringify({ type, event, at: Date.now(), ...fields });
  if (type === "alert") console.warn(line);
  else console.log(line);
}

export const logMoney = (event: MoneyEvent, fields: LogFields): void => logLine("money", event, fields);
