/**
 * Runs around each test file of the workers project. Its workerd serves many files one
 * after another (isolate: false in vitest.config.ts), so each file starts from an empty
 * world, as it would in a workerd of its own: the project's modules evaluated afresh (the
 * isolate's timeline copy, edge leases, shake statistics and rate windows start empty), the
 * location's timeline copy dropped, every Durable Object's storage deleted (at the end of
 * the file before, or here when that end did not come) and its instances aborted, D1's
 * tables dropped and migrated again. Messages still on the local queue (it outlives all
 * that) are delivered into the world that sent them first, and a message a batch of an
 * earlier world put back with a delay is dropped when it comes again.
 */
import { abortAllDurableObjects, applyD1Migrations, listDurableObjectIds, runInDurableObject, type D1Migration } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterAll, vi } from "vitest";
import type { SettlementMessage } from "../../src/wire/rpc";
import { eventually } from "./wait";

/** Bound by vitest.config.ts (readD1Migrations), for tests only. */
const { TEST_MIGRATIONS } = env as typeof env & { TEST_MIGRATIONS: D1Migration[] };

/** The worker's Durable Object namespaces (shards, timeline, group envelopes, ledger partitions). */
const namespaces = Object.values(env).filter(
  (binding): binding is DurableObjectNamespace => binding instanceof Object && binding.constructor.name === "DurableObjectNamespace",
);

await abortAllDurableObjects();
forgetProjectModules();
const { forgetColoCopy } = await import("../../src/edge/colo-cache");
await forgetColoCopy();
await keepQueueToThisWorld();

/**
 * The project's modules (the worker, its objects, the tests' own support) are evaluated afresh
 * by the file's first import; the libraries under node_modules (zod, jose, hono: half the
 * modules, and stateless here) stay evaluated. `vi.resetModules()` did the same for every
 * module: the suite's workerd took 65.0 CPU s with it, 57.2 with this. It has no filter, so
 * this clears the module runner's records as it does (vitest 5's `resetModules`).
 */
function forgetProjectModules(): void {
  const state = (globalThis as { __vitest_worker__?: { evaluatedModules?: { idToModuleMap?: Map<string, EvaluatedModule> } } })
    .__vitest_worker__;
  const modules = state?.evaluatedModules?.idToModuleMap;
  if (!modules) throw new Error("vitest's module records moved (fresh-world.ts reads them as vitest 5's resetModules does)");
  for (const [path, module] of modules) {
    if (path.includes("/node_modules/") || /\/vitest\/dist\/|vitest-virtual-\w+\/dist|@vitest\/dist|^mock:/.test(path)) continue;
    module.promise = undefined;
    module.exports = undefined;
    module.evaluated = false;
    module.importers.clear();
  }
}

/** A module runner's record of one module (vitest 5). */
interface EvaluatedModule {
  promise: unknown;
  exports: unknown;
  evaluated: boolean;
  importers: Set<string>;
}

/**
 * The queue redelivers a message its consumer retried (with a delay) by the same id, possibly
 * after the file that sent it has ended: the workerd's global scope, which outlives the files,
 * remembers which file's world each delivered message was first seen in, and the consumer of
 * this file acknowledges (drops) those of another world unhandled.
 */
async function keepQueueToThisWorld(): Promise<void> {
  const world = crypto.randomUUID();
  const scope = globalThis as typeof globalThis & { messageWorlds?: Map<string, string> };
  const worlds = (scope.messageWorlds ??= new Map<string, string>());
  const { default: worker } = await import("../../src/index");
  const consume = worker.queue.bind(worker);
  worker.queue = async (batch: MessageBatch, env: Env) => {
    const ours = batch.messages.filter((m) => (worlds.get(m.id) ?? world) === world);
    for (const m of batch.messages)
      if (ours.includes(m)) worlds.set(m.id, world);
      else m.ack();
    if (ours.length === batch.messages.length) return consume(batch, env);
    if (ours.length === 0) return;
    const kept: MessageBatch = {
      queue: batch.queue,
      metadata: batch.metadata,
      messages: ours,
      ackAll: () => ours.forEach((m) => m.ack()),
      retryAll: (options) => ours.forEach((m) => m.retry(options)),
    };
    return consume(kept, env);
  };
}

async function emptyObject(state: DurableObjectState): Promise<void> {
  await state.storage.deleteAlarm();
  await state.storage.deleteAll();
}

/** Runs `work` in every Durable Object of the worker, all at once (one after another took up to a second a file). */
async function everyObject(work: (state: DurableObjectState) => Promise<void>): Promise<void> {
  const ids = await Promise.all(namespaces.map(async (namespace) => ({ namespace, ids: await listDurableObjectIds(namespace) })));
  await Promise.all(ids.flatMap(({ namespace, ids }) => ids.map((id) => runInDurableObject(namespace.get(id), (_, state) => work(state)))));
}

/** Set by the previous file's end once it emptied every object (its instances still running, so no object was started for it). */
const workerdScope = globalThis as typeof globalThis & { objectsEmptied?: boolean };
if (!workerdScope.objectsEmptied) {
  await everyObject(emptyObject);
  await abortAllDurableObjects();
}
workerdScope.objectsEmptied = false;
const tables = await env.DB.prepare(
  "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
).all<{
  name: string;
}>();
for (const { name } of tables.results) await env.DB.prepare(`DROP TABLE "${name}"`).run();
await applyD1Migrations(env.DB, TEST_MIGRATIONS);

/**
 * After the file: no object's alarm sends anything more (an outbox flushing late would
 * settle this file's claims into the next file's world); then a marker (the consumer drops
 * it as malformed) goes on the queue, and the file ends once the batch that carries it has
 * been handled, so every message sent before it has been delivered (those a failed batch put
 * back with a delay excepted: tests that fail batches wait for their retries).
 */
afterAll(async () => {
  await everyObject((state) => state.storage.deleteAlarm());
  const { default: worker } = await import("../../src/index");
  const handled = vi.spyOn(worker, "queue");
  const marker = `end-of-file-${crypto.randomUUID()}`;
  try {
    await env.SETTLEMENTS.send({ kind: marker } as unknown as SettlementMessage);
    const i = await eventually(
      async () => handled.mock.calls.findIndex(([batch]) => batch.messages.some((m) => (m.body as { kind: string }).kind === marker)),
      (index) => index >= 0,
      10_000,
    );
    await handled.mock.results[i].value;
    // Batches handled beside the marker's (the consumer runs several at once) end too, so none
    // is still writing when the next file empties the world.
    await Promise.allSettled(handled.mock.results.map((r) => r.value as Promise<void>));
  } finally {
    handled.mockRestore();
  }
  // Every object is running now (the pass above started each one): emptied here, the next file
  // only has to stop them, instead of starting each one again (about 3 ms an object; a group
  // envelope is an object, and a workerd's files leave dozens).
  await everyObject(emptyObject);
  workerdScope.objectsEmptied = true;
});
