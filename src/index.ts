/**
 * Worker entry: the lean shake wire ahead of the Hono app, the settlement queue consumers, the minute cron (the show
 * clock in the timeline object, a backstop to its own alarm, and phase-close settlement),
 * plus the Durable Object classes wrangler binds by name.
 */
import { app } from "./app";
import { serveShake, shakeWireId } from "./edge/shake-wire";
import { timelineStub } from "./objects";
import { consumeDeadLetters, consumeSettlements } from "./money/settlement-consumer";
import { settleClosedPhases } from "./money/settlement-producer";
import { raiseAlerts } from "./show/alerts";

export { PoolShard } from "../durable-objects/pool-shard";
export { Timeline } from "../durable-objects/timeline";
export { GroupEnvelope } from "../durable-objects/group-envelope";

export default {
  /** The lean shake wire first (one string check), everything else through the router. */
  fetch(request, env, ctx) {
    const shakeId = shakeWireId(request.method, request.url);
    return shakeId === null ? app.fetch(request, env, ctx) : serveShake(request, env, ctx, shakeId);
  },
  async queue(batch, env) {
    await (batch.queue === env.SETTLEMENT_DLQ ? consumeDeadLetters(batch, env) : consumeSettlements(batch, env));
  },
  async scheduled(controller, env, ctx) {
    ctx.waitUntil(settleClosedPhases(env, controller.scheduledTime));
    const report = await timelineStub(env).tick();
    console.log("show clock", JSON.stringify(report));
    await raiseAlerts(env, Date.now());
  },
} satisfies ExportedHandler<Env>;
