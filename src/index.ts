/**
 * Worker entry: the Hono app, the settlement queue consumers, the cron (phase-close
 * settlement), plus the Durable Object classes wrangler binds by name.
 */
import { app } from "./app";
import { consumeDeadLetters, consumeSettlements } from "./settlement-consumer";
import { settleClosedPhases } from "./settlement";

export { PoolShard } from "../durable-objects/pool-shard";
export { Timeline } from "../durable-objects/timeline";
export { GroupEnvelope } from "../durable-objects/group-envelope";

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    await (batch.queue === env.SETTLEMENT_DLQ ? consumeDeadLetters(batch, env) : consumeSettlements(batch, env));
  },
  scheduled(controller, env, ctx) {
    ctx.waitUntil(settleClosedPhases(env, controller.scheduledTime));
  },
} satisfies ExportedHandler<Env>;
