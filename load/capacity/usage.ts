/**
 * What a whole show uses of each billed meter (prices.ts), from its audience and the
 * deployment's settings: pure arithmetic, no I/O. A show is a list of operations (a shake, a
 * page opening, an open, a minute of the cron, …), each with a count and what one occurrence
 * uses of each meter, read off the code path it names. The operations live by area in
 * operations/: the viewer page, issuance (issue #25's place), settlement and the ledger,
 * group envelopes, the audit and repairs (issue #26's place), the operators.
 */
import type { Usage } from "./prices.ts";
import type { DeploymentInputs, ShowInputs } from "./shows.ts";
import { auditOperations } from "./operations/audit.ts";
import { figuresOf } from "./operations/figures.ts";
import type { Operation } from "./operations/footprint.ts";
import { groupOperations } from "./operations/groups.ts";
import { issuanceOperations } from "./operations/issuance.ts";
import { operatorOperations } from "./operations/operator.ts";
import { settlementOperations } from "./operations/settlement.ts";
import { viewerPageOperations } from "./operations/viewer-page.ts";

export type { Operation } from "./operations/footprint.ts";
export { shakesOf } from "./operations/figures.ts";

/** Every billed operation of the show, with its count and per-occurrence footprint. */
export function operations(s: ShowInputs, d: DeploymentInputs): Operation[] {
  const f = figuresOf(s, d);
  return [
    ...viewerPageOperations(s, d, f),
    ...issuanceOperations(s, d, f),
    ...settlementOperations(s, d, f),
    ...groupOperations(s, d, f),
    ...auditOperations(s, d, f),
    ...operatorOperations(s, d, f),
  ];
}

/** A Durable Object is billed as 128 MB while in memory. */
const DO_GB = 0.128;
/**
 * Wall time billed per object call (assumed): objects hold no WebSockets or timers, so they
 * may hibernate between calls. An upper bound at the peak, where concurrent calls share it.
 */
const DO_CALL_SECONDS = 0.01;

const ZERO: Usage = {
  workerRequests: 0,
  workerCpuMs: 0,
  doRequests: 0,
  doGbSeconds: 0,
  doRowsRead: 0,
  doRowsWritten: 0,
  doStoredGbMonths: 0,
  queueOperations: 0,
  d1RowsRead: 0,
  d1RowsWritten: 0,
  d1StoredGbMonths: 0,
  r2ClassA: 0,
  r2ClassB: 0,
  r2StoredGbMonths: 0,
  analyticsDataPoints: 0,
  logsIngestedGb: 0,
  logsStoredGbMonths: 0,
  staticAssetRequests: 0,
  cacheRequests: 0,
};

/**
 * The operations summed per meter, plus what follows from the sums: object duration
 * (DO_CALL_SECONDS per call) and Workers Logs (the custom lines the operations write, and an
 * invocation log per kept invocation where invocation logs are on), kept for the retention.
 */
export function usageOf(ops: readonly Operation[], d: DeploymentInputs): Usage {
  const total = { ...ZERO };
  for (const op of ops) {
    for (const [meter, amount] of Object.entries(op.per) as [keyof Usage, number][]) total[meter] += op.count * amount;
  }
  total.doGbSeconds = total.doRequests * DO_CALL_SECONDS * DO_GB;
  const invocations = d.invocationLogs ? total.workerRequests + total.doRequests : 0;
  total.logsIngestedGb = (total.logsIngestedGb + (invocations * d.logEventBytes) / 1e9) * d.logSampleRate;
  total.logsStoredGbMonths = (total.logsIngestedGb * d.logRetentionDays) / 30;
  return total;
}

export const showUsage = (s: ShowInputs, d: DeploymentInputs): Usage => usageOf(operations(s, d), d);

/** What the deployment uses around the show whatever the audience does. */
export const standingUsage = (s: ShowInputs, d: DeploymentInputs): Usage =>
  usageOf(
    operations(s, d).filter((op) => op.standing),
    d,
  );

/** What the audit and repairs read because of everything the night wrote (issue #26 replaces it). */
export const historyUsage = (s: ShowInputs, d: DeploymentInputs): Usage =>
  usageOf(
    operations(s, d).filter((op) => op.history),
    d,
  );
