/**
 * Worker entry: the lean shake wire ahead of the Hono app, the settlement queue consumers,
 * the minute cron (the show clock in the timeline object, a backstop to its own alarm, then
 * every repair of money/repair.ts: phase-close settlement, lost messages, stranded group
 * money), plus the Durable Object classes wrangler binds by name.
 */
import { app } from "./app";
import { serveShake, shakeWireId } from "./edge/shake-wire";
import { consumeDeadLetters, consumeSettlements } from "./money/settlement-consumer";
import { repairAfterMs } from "./config";
import { runRepairs } from "./money/repair";
import { raiseAlerts } from "./show/alerting";

export { PoolShard } from "../durable-objects/pool-shard";
export { Timeline } from "../durable-objects/timeline";
export { GroupEnvelope } from "../durable-objects/group-envelope";
export { LedgerPartition } from "../durable-objects/ledger-partition";
export { UsedIdTokens } from "../durable-objects/used-id-tokens";

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
    ctx.waitUntil(
      runRepairs(env, controller.scheduledTime, repairAfterMs(env)).then((report) =>
        console.log("show clock and repairs", JSON.stringify(report)),
      ),
    );
    await raiseAlerts(env, Date.now());
  },
} satisfies ExportedHandler<Env>;
