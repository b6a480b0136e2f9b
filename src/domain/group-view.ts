/**
 * What a group page shows to one viewer: the group's figures and, per grab, a label (the
 * grabber's display name, or "Friend N" by grab order), whether it is the viewer's own and
 * whether it is the sender's. No user id of anyone leaves the server.
 */
import type { GroupStatus, GroupView } from "../wire/index";

export function groupView(status: GroupStatus, viewerId: string, names: ReadonlyMap<string, string>): GroupView {
  const { senderId, grabs, ...figures } = status;
  return {
    ...figures,
    youSent: senderId === viewerId,
    grabs: grabs.map((g, i) => ({
      label: names.get(g.userId) ?? `Friend ${i + 1}`,
      you: g.userId === viewerId,
      sender: g.userId === senderId,
      amountCents: g.amountCents,
      grabbedAt: g.grabbedAt,
    })),
  };
}
