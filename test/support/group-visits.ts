/** Which group envelope objects the audit and the repair read: every call of `figures` or `repair`, recorded by envelope id. */
import { env } from "cloudflare:workers";
import type { GroupEnvelope } from "../../durable-objects/group-envelope";
import { patchObjects } from "./show";

const anyGroup = () => env.GROUP_ENVELOPE.getByName(`g_${"0".repeat(32)}`);

/** Runs `body` recording the id of every group object whose `figures` or `repair` is called. */
export async function visitedDuring(body: () => Promise<void>): Promise<string[]> {
  const visited: string[] = [];
  await patchObjects<GroupEnvelope, "figures">(
    anyGroup(),
    "figures",
    (original) =>
      function (this: GroupEnvelope) {
        const figures = original.call(this);
        if (figures) visited.push(figures.groupId);
        return figures;
      },
    () =>
      patchObjects<GroupEnvelope, "repair">(
        anyGroup(),
        "repair",
        (original) =>
          async function (this: GroupEnvelope, before: number, registeredDue?: number | null) {
            const result = await original.call(this, before, registeredDue);
            if (result.figures) visited.push(result.figures.groupId);
            return result;
          },
        body,
      ),
  );
  return visited;
}
