/**
 * Group envelopes (docs/group-envelopes.md): made from a won envelope or the wallet
 * (registered in D1, funded, then one GroupEnvelope object), grabbed share by share, each
 * grab's credit sent by the object's outbox alarm through the settlement queue to the
 * grabber's ledger partition, the leftover refunded by the expiry alarm.
 */
import type { DeploymentInputs, ShowInputs } from "../shows.ts";
import type { ShowFigures } from "./figures.ts";
import { BENCH_CPU_MS, BYTES, gbMonths, logLines, ROWS_WRITTEN, type Operation } from "./footprint.ts";

/** Times a group envelope's page is read per share grabbed (before the grab, then every 10 s while shares are left): assumed. */
const VIEWS_PER_GRAB = 2;

export function groupOperations(s: ShowInputs, d: DeploymentInputs, f: ShowFigures): Operation[] {
  return [
    // src/money/group-operations.ts: the D1 registration, the seed claim's mark (or the wallet debit), the object, `group_create`.
    {
      name: "group envelope made",
      count: f.groups,
      per: {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.grab,
        doRequests: 2,
        doRowsWritten: ROWS_WRITTEN.groupObject,
        d1RowsRead: 2,
        d1RowsWritten: ROWS_WRITTEN.groupRegistry + 2,
        ...logLines(1, d),
      },
      serves: ["post /api/groups"],
    },
    // durable-objects/group-envelope/index.ts grab: the share and its outbox row in one transaction, `group_grab`; before it, at most
    // once per repair visit, the registry's due time lowered (registry-due.ts: counted for every grab, an upper bound).
    {
      name: "group share grabbed",
      count: f.grabs,
      per: {
        workerRequests: 1,
        workerCpuMs: BENCH_CPU_MS.grab,
        doRequests: 1,
        doRowsWritten: ROWS_WRITTEN.grab,
        d1RowsWritten: ROWS_WRITTEN.groupDue,
        ...logLines(1, d),
      },
      serves: ["post /api/groups/{id}/grab"],
    },
    // The outbox alarm sends the credit; the consumer credits the partition and confirms on the object.
    {
      name: "group credit settled",
      count: f.grabs,
      per: {
        workerRequests: 1 / d.queueBatchSize,
        doRequests: 3,
        queueOperations: 3,
        doRowsRead: 3,
        doRowsWritten: ROWS_WRITTEN.ledgerCredit + 1,
        doStoredGbMonths: gbMonths(BYTES.ledgerCredit, d.daysAfter),
        ...logLines(1, d),
      },
      serves: ["alarm GroupEnvelope"],
    },
    // src/routes/groups.ts: the object's view and the grabbers' display names from D1.
    {
      name: "group envelope viewed",
      count: f.grabs * VIEWS_PER_GRAB,
      per: { workerRequests: 1, workerCpuMs: BENCH_CPU_MS.grab, doRequests: 1, doRowsRead: 8, d1RowsRead: s.grabsPerGroup },
      serves: ["get /api/groups/{id}"],
    },
    // The expiry alarm refunds what is left (at most once).
    { name: "group envelope expired", count: f.groups, per: { doRequests: 1, doRowsRead: 8 }, serves: ["alarm GroupEnvelope"] },
  ];
}
