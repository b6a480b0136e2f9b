/**
 * The group envelope audit, read from the ledger partitions, the D1 registry and the objects
 * of the envelopes still in motion, merged by src/domain/group-audit.ts.
 */
import { auditGroups, auditVisits } from "../domain/group-audit";
import { unavailable } from "../errors";
import { groupStub } from "../objects";
import type { GroupsAudit } from "../wire/index";
import type { GroupFigures } from "../wire/rpc";
import { groupBooks } from "./group-registry";

/**
 * The group envelopes' part: the ledger sums are read first, then the registry's envelopes not
 * settled yet and the settled totals, then the object of each unsettled envelope that is due
 * within the bound or not yet created (a settled one is never visited again: its money is
 * checked against the totals; one not due is checked from its registry row and the ledger,
 * src/domain/group-audit.ts): a credit can only reach the ledger after its grab or refund was
 * recorded, so reading the ledger first never shows more settled than recorded. A credit
 * confirmed between the reads can look lost for that instant, so an envelope that does not
 * balance is read once more before it is reported.
 */
export async function auditGroupEnvelopes(env: Env, stuckBefore: number): Promise<GroupsAudit> {
  const readOnce = async (): Promise<GroupsAudit> => {
    const { registry, sums, settled } = await groupBooks(env).catch((err) => {
      console.error("ledger unreadable for the group audit", String(err));
      throw unavailable("the ledger is unavailable; the audit needs it");
    });
    const visited = registry.filter((g) => auditVisits(g, stuckBefore));
    const figures = await Promise.all(visited.map((g) => groupStub(env, g.groupId).figures()));
    const own = new Map<string, GroupFigures>();
    for (const f of figures) if (f) own.set(f.groupId, f);
    return auditGroups(registry, own, sums, stuckBefore, settled);
  };
  const first = await readOnce();
  return first.balanced ? first : readOnce();
}
