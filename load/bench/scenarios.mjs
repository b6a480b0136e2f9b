/**
 * The bench's scenarios, run in this order. Each entry is all a scenario needs:
 * - `target`: "hello" (the ceiling), "app", "shedding" (an edge on the app's objects whose
 *   own shedding ceiling is not lifted: servers.mjs), "edges" (many edge isolates on the
 *   app's objects, `--isolates` of them, the load shared out among them) or a calibration worker;
 * - `prepare(ctx)`: puts the show in the right state and returns the run's
 *   `{ method, path, tokens }` (tokens: session tokens used round robin, each request
 *   with a fresh `{ requestId }` body);
 * - `rate(results)`: optional fixed request rate, derived from the results of `needs`;
 * - `expect`: the answer kinds the scenario expects, the only ones its req/s and CPU per
 *   request count; any other kind above 0.5 % of its answers fails the run (answers.mjs);
 * - `holdings` (in what `prepare` returns): shakes carry each viewer's latest signed
 *   holdings as an honest client does (edge-lease phases check limits against them);
 * - `mergeHorizonMs`: optional, the MERGE_HORIZON_MS the scenario is measured with; a run
 *   uses it when its chosen scenarios agree (run.mjs `--merge-horizon`);
 * - `watch(ctx)`: optional, started before the scenario's first request; its `stop()`, after
 *   the measured pass, answers figures merged into the row (leases.mjs `watchLent`);
 * - `after(ctx, { measuredFrom, row, urls, envelopesAnswered, unanswered, mostRequests })`: optional extra
 *   figures once the load has stopped (`row`: the measured row with its money; envelope
 *   answers in all of the scenario's passes, requests whose answer was never read
 *   because a timed pass ended with them in flight, and the requests of the scenario's
 *   largest pass); what it returns is merged into the row, and `problems` (a list of
 *   sentences) fail the run;
 * - `target*`: the figure this machine must reach, printed as met / missed (`targetCpuOf`:
 *   [scenario, ratio], that scenario's CPU per request over this one's);
 * - `wire`: the calibration worker with the same wire shape (calibration.mjs): the row's
 *   `wireCpuRatio` is that worker's CPU per request over the scenario's;
 * - `pacedAgainst`: the paced hello-world row at the same fraction of its own maximum: the
 *   row's `p99VsHello` is its p99 over that row's p99 (target `maxP99VsHello`).
 * `ctx` holds the admin client, `appUrl`, `shardCount`, `wire`, `secondsPerRun`, `pollMs` (how
 * often a wait after the load reads the audit), `size(n)`
 * (a count that does not follow the run's length: a twentieth in a smoke run) and `users({ count, shard? })` (session
 * tokens: fewer in a smoke run). Adding a scenario (open+settle, grab) is adding one entry.
 */
import { CALIBRATION_SCENARIOS } from "./calibration.mjs";
import { leaseFigures, leaseWinsPerShard, stockLeases, watchLent } from "./leases.mjs";
import { seedGroups, winClaims } from "./prepare.mjs";
import { PHASES, SPONSORS } from "./show.mjs";

/** Envelopes a claims scenario may take from one shard: generous for 4,000 claims/s. */
const CLAIMS_PER_SECOND_BUDGET = 4_000;
const ENVELOPES_PER_USER = 3;

/**
 * Shakes on the lean wire, `POST /api/shake/<requestId>`; `json` (or `--wire json` for a
 * checkout that predates the lean wire): the JSON-body wire.
 */
const shake = (ctx, tokens, json = false) => ({ method: "POST", path: "/api/shake", tokens, idInPath: !json && ctx.wire !== "json" });
const LEAN_WIRE = "cal-path-1h";

const claimsPerShard = (ctx) => CLAIMS_PER_SECOND_BUDGET * ctx.secondsPerRun;

/** Requests the open and grab scenarios prepare distinct targets for (beyond it, repeats). */
const DISTINCT_TARGETS = 6_000;
/** How long the open-settle scenario waits for the queue to settle every opened envelope. */
const SETTLE_WAIT_MS = 20_000;

const sum = (pools, field) => pools.reduce((n, p) => n + p[field], 0);

/**
 * Waits until every opened envelope has settled into the ledger; settlements per second since
 * `from`. Every pass opens the winners' envelopes in the same order from the first, so the
 * largest pass opened that many distinct envelopes (all of them once it went round).
 */
async function settlementFigures(ctx, { measuredFrom: from, mostRequests }) {
  const opened = Math.min(ctx.opened, mostRequests);
  const deadline = Date.now() + SETTLE_WAIT_MS;
  const settled = async () => sum((await ctx.admin.audit()).settlement.pools, "settledCount") - ctx.settledBefore;
  let done = await settled();
  while (done < opened && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, ctx.pollMs));
    done = await settled();
  }
  // Requests in flight when a pass stopped may have opened a few more than it counted.
  const notSettled = Math.max(0, opened - done);
  return {
    settledCount: done,
    notSettledAfterWait: notSettled,
    settledPerSecond: Math.round(done / ((Date.now() - from) / 1_000)),
    problems: notSettled > 0 ? [`${notSettled} of ${opened} opened envelopes not settled ${SETTLE_WAIT_MS / 1_000} s after the load`] : [],
  };
}

/** Puts the claims phase live, loading its pools once: enough envelopes on every shard. */
async function stockClaims(ctx) {
  await ctx.admin.goLive("claims");
  ctx.claimPools ??= ctx.admin.createPools("claims", Math.ceil((claimsPerShard(ctx) * ctx.shardCount) / SPONSORS.length));
  await ctx.claimPools;
}

/**
 * An edge-leases scenario (leases.mjs): every shake a candidate, `users(ctx)` the viewers to
 * mint, who shake as honest clients with their holdings; the money is judged once the
 * isolate's reports are in, and envelopes per shard call are reported.
 */
const leaseScenario = ({ name, about, users, ...targets }) => ({
  name,
  about,
  target: "app",
  prepare: async (ctx) => {
    await stockLeases(ctx, SPONSORS.length);
    return { ...shake(ctx, await ctx.users(users(ctx))), holdings: true };
  },
  expect: ["envelope", "greeting"],
  after: leaseFigures,
  wire: LEAN_WIRE,
  targetEnvelopesPerShardCall: 20,
  ...targets,
});

export const SCENARIOS = [
  {
    name: "hello-world",
    about: "one-line worker on the same runtime: the ceiling",
    target: "hello",
    prepare: () => ({ method: "GET", path: "/" }),
    expect: ["other"],
  },
  {
    name: "hello-world-80pct",
    about: "the ceiling paced at 80% of its maximum: the tail latency of the harness itself",
    target: "hello",
    prepare: () => ({ method: "GET", path: "/" }),
    needs: "hello-world",
    rate: (results) => Math.round(0.8 * results["hello-world"].rps),
    expect: ["other"],
  },
  ...CALIBRATION_SCENARIOS,
  {
    name: "get-time",
    about: "GET /api/time: the Hono app with no session, body or decision (attributes the shake's cost)",
    target: "app",
    prepare: () => ({ method: "GET", path: "/api/time" }),
    expect: ["other"],
  },
  {
    name: "shake-rest",
    about: "shake outside any phase, answered at the edge",
    target: "app",
    prepare: async (ctx) => {
      await ctx.admin.goLive(null);
      return shake(ctx, await ctx.users({ count: 5_000 }));
    },
    expect: ["rest"],
    wire: LEAN_WIRE,
    targetCpuRatio: 0.8,
  },
  {
    name: "shake-shed",
    about: "shakes at an edge past its own ceiling (EDGE_RPS_CEILING 1/s): every one refused with busy, the cost of shedding",
    target: "shedding",
    prepare: async (ctx) => shake(ctx, await ctx.users({ count: 5_000 })),
    expect: ["busy"],
    wire: LEAN_WIRE,
  },
  {
    name: "shake-rest-json",
    about: "shake-rest on the JSON-body wire (POST /api/shake with { requestId }), kept for one release",
    target: "app",
    prepare: async (ctx) => shake(ctx, await ctx.users({ count: 5_000 }), true),
    expect: ["rest"],
    wire: "cal-json-6h",
  },
  {
    name: "shake-rest-80pct",
    about: "shake-rest paced at 80% of its measured maximum: latency under normal load",
    target: "app",
    prepare: async (ctx) => shake(ctx, await ctx.users({ count: 5_000 })),
    needs: "shake-rest",
    rate: (results) => Math.round(0.8 * results["shake-rest"].rps),
    expect: ["rest"],
    wire: LEAN_WIRE,
    pacedAgainst: "hello-world-80pct",
    maxP99VsHello: 1.25,
  },
  {
    name: "shake-lottery",
    about: `lottery phase, ${PHASES.lottery.candidateRate * 100}% of shakes are envelope candidates`,
    target: "app",
    prepare: async (ctx) => {
      await ctx.admin.goLive("lottery");
      await ctx.admin.createPools("lottery", ctx.size(20_000));
      return shake(ctx, await ctx.users({ count: 5_000 }));
    },
    expect: ["greeting", "envelope"],
    needs: "shake-rest",
    wire: LEAN_WIRE,
    targetCpuOf: ["shake-rest", 0.85],
  },
  {
    name: "claims-all-shards",
    about: "every shake is a candidate; users spread over all shards",
    target: "app",
    prepare: async (ctx) => {
      await stockClaims(ctx);
      return shake(ctx, await ctx.users({ count: Math.ceil((2 * claimsPerShard(ctx)) / ENVELOPES_PER_USER) }));
    },
    expect: ["envelope", "greeting"],
  },
  {
    name: "claims-one-shard",
    about: "every shake is a candidate; every user lives on shard 0",
    target: "app",
    prepare: async (ctx) => {
      await stockClaims(ctx);
      return shake(ctx, await ctx.users({ count: Math.ceil(claimsPerShard(ctx) / ENVELOPES_PER_USER), shard: 0 }));
    },
    expect: ["envelope", "greeting"],
    wire: LEAN_WIRE,
    targetCpuRatio: 0.2,
  },
  leaseScenario({
    name: "leases-lottery",
    about: "edge-leases phase, every shake is a candidate; users spread over all shards",
    users: (ctx) => ({ count: Math.ceil((2 * leaseWinsPerShard(ctx)) / ENVELOPES_PER_USER) }),
    targetCpuRatio: 0.6,
  }),
  leaseScenario({
    name: "leases-many-isolates",
    about:
      "edge-leases phase on many edge isolates (16; 2 in a smoke run) against the same objects, every shake a candidate; users spread over all shards",
    target: "edges",
    users: (ctx) => ({ count: Math.ceil((2 * leaseWinsPerShard(ctx)) / ENVELOPES_PER_USER) }),
    watch: watchLent,
    // The deployed horizon: lease shards flush their merges every 7.5 s, as the capacity model counts them.
    mergeHorizonMs: 30_000,
  }),
  leaseScenario({
    name: "leases-one-shard",
    about: "edge-leases phase, every shake is a candidate; every user lives on shard 0",
    users: (ctx) => ({ count: Math.ceil(leaseWinsPerShard(ctx) / ENVELOPES_PER_USER), shard: 0 }),
  }),
  {
    name: "open-settle",
    about: "winners open their envelopes; each first open queues a settlement to the D1 ledger",
    target: "app",
    prepare: async (ctx) => {
      await stockClaims(ctx);
      const winners = await winClaims(ctx, await ctx.users({ count: DISTINCT_TARGETS }));
      if (winners.length === 0) throw new Error("no viewer won an envelope to open");
      ctx.settledBefore = sum((await ctx.admin.audit()).settlement.pools, "settledCount");
      ctx.opened = winners.length;
      return {
        method: "POST",
        path: "/",
        tokens: winners.map((w) => w.token),
        paths: winners.map((w) => `/api/envelopes/${w.claimId}/open`),
        // The open route takes `{ signedClaim? }` and nothing else: no request id.
        body: "{}",
      };
    },
    expect: ["other"],
    after: settlementFigures,
    // Claims settle once final: a short horizon, so it measures settlement, not the wait (no bench client holds a claim to displace).
    mergeHorizonMs: 2_000,
  },
  {
    name: "grab",
    about: "friends grab shares of group envelopes made from seed envelopes (20 shares each)",
    target: "app",
    prepare: async (ctx) => {
      await ctx.admin.goLive("seeds");
      await ctx.admin.createPools("seeds", ctx.size(2_000), { splitAmountCents: 2_000, splitCount: 20 });
      const senders = await winClaims(ctx, await ctx.users({ count: ctx.size(DISTINCT_TARGETS / 20) }));
      const groups = await seedGroups(ctx.appUrl, senders);
      if (groups.length === 0) throw new Error("no group envelope to grab from");
      return {
        method: "POST",
        path: "/",
        tokens: await ctx.users({ count: 5_000 }),
        paths: groups.map((id) => `/api/groups/${id}/grab`),
      };
    },
    expect: ["grabbed", "already", "empty"],
  },
];
