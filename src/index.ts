/**
 * Worker entry: the Hono app, the minute cron (which runs the show clock in the timeline
 * object as a backstop to its own alarm), and the Durable Object classes wrangler binds.
 */
import { app } from "./app";
import { timelineStub } from "./objects";

export { PoolShard } from "../durable-objects/pool-shard";
export { Timeline } from "../durable-objects/timeline";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env) {
    const report = await timelineStub(env).tick();
    console.log("show clock", JSON.stringify(report));
  },
} satisfies ExportedHandler<Env>;
