/**
 * Admin settlement operations (bearer admin secret): list dead letters, requeue them once the
 * ledger is healthy, and run the phase-close sweep now instead of waiting for the cron.
 */
import { Hono } from "hono";
import { requireAdmin } from "../auth/admin-identity";
import { listDeadLetters, requeueDeadLetters, settleClosedPhases } from "../money/settlement-sweeps";
import type { DeadLettersResponse } from "../wire/index";

export const settlementAdminRoutes = new Hono<{ Bindings: Env }>()
  .use(requireAdmin)
  .get("/", async (c) => c.json({ deadLetters: await listDeadLetters(c.env) } satisfies DeadLettersResponse))
  .post("/requeue", async (c) => c.json(await requeueDeadLetters(c.env, Date.now())))
  .post("/sweep", async (c) => c.json(await settleClosedPhases(c.env, Date.now())));
