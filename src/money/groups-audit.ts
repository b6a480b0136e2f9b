/**
 * The group envelope part of the admin audit. The ledger sums are read first, then the
 * registry, then each envelope's object: a credit can only reach the ledger after its grab or
 * refund was recorded, so reading the ledger first never shows more settled than recorded.
 * A credit confirmed between the reads can look lost for that instant, so an envelope that
 * does not balance is read once more before it is reported.
 */
import { auditGroups } from "../domain/group-audit";
import { unavailable } from "../errors";
import { groupBooks } from "./group-registry";
import { groupStub } from "../objects";
import type { GroupsAudit } from "../wire/index";
import type { GroupFigures } from "../wire/rpc";

async function readOnce(env: Env, stuckBefore: number): Promise<GroupsAudit> {
  const { registry, sums } = await groupBooks(env).catch((err) => {
    console.error("ledger unreadable for the group audit", String(err));
    throw unavailable("the ledger is unavailable; the audit needs it");
  });
  const figures = await Promise.all(registry.filter((g) => g.status !== "cancelled").map((g) => groupStub(env, g.groupId).figures()));
  const own = new Map<string, GroupFigures>();
  for (const f of figures) if (f) own.set(f.groupId, f);
  return auditGroups(registry, own, sums, stuckBefore);
}

export async function auditGroupEnvelopes(env: Env, stuckBefore: number): Promise<GroupsAudit> {
  const first = await readOnce(env, stuckBefore);
  return first.balanced ? first : readOnce(env, stuckBefore);
}
