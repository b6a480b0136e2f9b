/**
 * `POST /api/admin/repair` (bearer admin secret): runs every repair now (money/repair.ts) for
 * anything pending longer than `olderThanMs` (default: the cron's bound) and reports what it
 * did. Idempotent: running it again, or while the cron runs it, changes nothing twice.
 */
import { Hono } from "hono";
import { z } from "zod";
import { requireAdmin } from "../auth/admin-identity";
import { repairAfterMs } from "../config";
import { runRepairs } from "../money/repair";
import { parseBody } from "../schemas";

export const repairRequest = z
  .object({
    olderThanMs: z
      .number()
      .int()
      .min(0)
      .max(7 * 86_400_000)
      .optional(),
  })
  .strict();

export const repairRoutes = new Hono<{ Bindings: Env }>().use(requireAdmin).post("/", async (c) => {
  const { olderThanMs } = await parseBody(c, repairRequest);
  return c.json(await runRepairs(c.env, Date.now(), olderThanMs ?? repairAfterMs(c.env)));
});
