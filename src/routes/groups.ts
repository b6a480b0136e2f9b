/**
 * Group envelopes (session required): `POST /api/groups` creates one, `POST /:id/grab` takes
 * a share, `GET /:id` shows who grabbed what (labels, never user ids). The share URL `/g/<id>` is opened by the PWA.
 * Every one is rate-limited per user, device and address (src/edge/rate-limits.ts).
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { viewerRateLimit } from "../edge/rate-limits";
import { createGroup, grabGroup, groupStatus } from "../money/group-operations";
import { createGroupRequest, grabGroupRequest, parseBody } from "../schemas";
import { namesOf } from "../auth/display-names";
import { groupView } from "../domain/group-view";
import type { GroupView } from "../wire/index";

export const groupRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>()
  .use(requireUser, viewerRateLimit)
  .post("/", async (c) => {
    const request = await parseBody(c, createGroupRequest);
    return c.json(await createGroup(c.env, c.get("userId"), request), 201);
  })
  .post("/:id/grab", async (c) => {
    const { requestId } = await parseBody(c, grabGroupRequest);
    return c.json(await grabGroup(c.env, c.req.param("id"), c.get("userId"), requestId));
  })
  .get("/:id", async (c) => {
    const status = await groupStatus(c.env, c.req.param("id"));
    const names = await namesOf(
      c.env.DB,
      status.grabs.map((g) => g.userId),
    );
    return c.json(groupView(status, c.get("userId"), names) satisfies GroupView);
  });
