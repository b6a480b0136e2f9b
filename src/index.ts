/** Worker entry: the Hono app, plus the Durable Object classes wrangler binds by name. */
import { app } from "./app";

export { PoolShard } from "../durable-objects/pool-shard";
export { Timeline } from "../durable-objects/timeline";
export { GroupEnvelope } from "../durable-objects/group-envelope";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
