/**
 * Capacity model for gala scale: pure arithmetic (no I/O), so the simulation, the tests
 * and docs/capacity.md share one set of formulas. Inputs are the reference gala's peak
 * and the platform's published or measured limits; every output says which knob it sizes.
 */

export interface GalaInputs {
  /** Peak shakes per second across the world (reference: ~14 million). */
  peakShakesPerSecond: number;
  /** Envelopes the sponsors want issued per second at the peak (reference: ~50,000). */
  envelopesPerSecond: number;
  /** Share of candidates that end with an envelope (the rest hit a limit or an empty shard). */
  candidateWinShare: number;
  /** Soft request limit of one Durable Object (Cloudflare: about 1,000 req/s). */
  perObjectLimit: number;
  /** Share of that limit a shard may use at the planned peak (headroom for skew and spikes). */
  shardUtilisation: number;
  /** Cloudflare locations serving the audience. */
  colos: number;
  /** Shakes one isolate answers per second (measured locally: ~2,000-6,000 per core). */
  perIsolateShakesPerSecond: number;
  /** How long an isolate serves its cached timeline (TIMELINE_TTL_MS). */
  timelineTtlMs: number;
  /** Messages per second one queue delivers (Cloudflare Queues: about 5,000). */
  perQueueMessagesPerSecond: number;
  /** Claims carried per settlement message. */
  claimsPerMessage: number;
  /** Seconds the lottery peak lasts. */
  peakSeconds: number;
}

export const REFERENCE_GALA: GalaInputs = {
  peakShakesPerSecond: 14_000_000,
  envelopesPerSecond: 50_000,
  candidateWinShare: 0.8,
  perObjectLimit: 1_000,
  shardUtilisation: 0.5,
  colos: 330,
  perIsolateShakesPerSecond: 2_000,
  timelineTtlMs: 4_000,
  perQueueMessagesPerSecond: 5_000,
  claimsPerMessage: 1,
  peakSeconds: 60,
};

export interface CapacityPlan {
  /** Share of lottery shakes the edge sends on to a shard (Phase.candidateRate). */
  candidateRate: number;
  candidatesPerSecond: number;
  /** Fewest shards that keep every shard under the planned utilisation (SHARD_COUNT). */
  shardsNeeded: number;
  /** shardsNeeded rounded up to a power of two. */
  shardCount: number;
  perShardRequestsPerSecond: number;
  /** Share of the per-object limit each shard uses at the peak. */
  perShardLoad: number;
  isolates: number;
  /** Reads per second the single timeline object gets from per-isolate caches. */
  timelineReadsPerSecond: number;
  /** Same, when one isolate per colo refreshes and the rest read the colo cache. */
  timelineReadsPerSecondPerColoCache: number;
  /** Shortest per-isolate TTL that keeps the timeline object under its limit. */
  minTimelineTtlMs: number;
  settlementMessagesPerSecond: number;
  queuesNeeded: number;
  /** With one queue: backlog at the end of the peak and how long it takes to drain. */
  oneQueueBacklog: number;
  oneQueueDrainSeconds: number;
}

const powerOfTwoAtLeast = (n: number) => 2 ** Math.ceil(Math.log2(Math.max(1, n)));

export function plan(g: GalaInputs, shardCount?: number): CapacityPlan {
  const candidatesPerSecond = g.envelopesPerSecond / g.candidateWinShare;
  const candidateRate = candidatesPerSecond / g.peakShakesPerSecond;
  const shardsNeeded = Math.ceil(candidatesPerSecond / (g.perObjectLimit * g.shardUtilisation));
  const shards = shardCount ?? powerOfTwoAtLeast(shardsNeeded);
  const perShardRequestsPerSecond = candidatesPerSecond / shards;
  const isolates = Math.max(g.colos, Math.ceil(g.peakShakesPerSecond / g.perIsolateShakesPerSecond));
  const ttlSeconds = g.timelineTtlMs / 1_000;
  const settlementMessagesPerSecond = g.envelopesPerSecond / g.claimsPerMessage;
  const oneQueueBacklog = Math.max(0, (settlementMessagesPerSecond - g.perQueueMessagesPerSecond) * g.peakSeconds);
  return {
    candidateRate,
    candidatesPerSecond,
    shardsNeeded,
    shardCount: shards,
    perShardRequestsPerSecond,
    perShardLoad: perShardRequestsPerSecond / g.perObjectLimit,
    isolates,
    timelineReadsPerSecond: isolates / ttlSeconds,
    timelineReadsPerSecondPerColoCache: g.colos / ttlSeconds,
    minTimelineTtlMs: Math.ceil((1_000 * isolates) / (g.perObjectLimit * g.shardUtilisation)),
    settlementMessagesPerSecond,
    queuesNeeded: Math.ceil(settlementMessagesPerSecond / g.perQueueMessagesPerSecond),
    oneQueueBacklog,
    oneQueueDrainSeconds: oneQueueBacklog / g.perQueueMessagesPerSecond,
  };
}

/** Graded throttle: each level doubles the spacing clients must keep between shakes. */
export const THROTTLE_LEVELS = [1_000, 2_000, 4_000, 8_000] as const;

export interface SpikeInputs {
  /** Share of the audience in the spiking region. */
  regionShare: number;
  /** Factor by which that region's viewers out-shake their throttle hint (e.g. 3 = three times). */
  spikeFactor: number;
  spikeStartS: number;
  spikeEndS: number;
  durationS: number;
  /** Seconds before a client sees a new hint (its next answer). */
  hintDelayS: number;
}

export const REGION_SPIKE: SpikeInputs = {
  regionShare: 0.4,
  spikeFactor: 3,
  spikeStartS: 10,
  spikeEndS: 40,
  durationS: 60,
  hintDelayS: 1,
};

export interface SpikeStep {
  t: number;
  offeredShakesPerSecond: number;
  regionLevel: number;
  /** Candidate-rate scale the edge applies (drawDecision's rateScale). */
  rateScale: number;
  perShardRequestsPerSecond: number;
  perShardLoad: number;
}

/**
 * One region's viewers shake `spikeFactor` times harder for a while. Each second the edge
 * grades the region: while shards run above the planned utilisation it raises the region's
 * throttle level (clients obey after `hintDelayS`) and scales the candidate rate so shards
 * stay under it at once; when load falls it steps back down one level per second.
 */
export function simulateSpike(g: GalaInputs, s: SpikeInputs, shards: number): SpikeStep[] {
  const base = plan(g, shards);
  const budget = g.perObjectLimit * g.shardUtilisation * shards;
  const steps: SpikeStep[] = [];
  const levels: number[] = [];
  for (let t = 0; t < s.durationS; t++) {
    const obeyed = levels[t - s.hintDelayS] ?? 0;
    const spiking = t >= s.spikeStartS && t < s.spikeEndS;
    const regionRate = g.peakShakesPerSecond * s.regionShare * (spiking ? s.spikeFactor : 1);
    const regionObeyed = regionRate * (THROTTLE_LEVELS[0] / THROTTLE_LEVELS[obeyed]);
    const offered = g.peakShakesPerSecond * (1 - s.regionShare) + regionObeyed;
    const wanted = offered * base.candidateRate;
    const rateScale = Math.min(1, budget / wanted);
    const candidates = wanted * rateScale;
    const previous = levels[t - 1] ?? 0;
    const overloaded = wanted > budget;
    const level = overloaded ? Math.min(THROTTLE_LEVELS.length - 1, previous + 1) : Math.max(0, previous - (spiking ? 0 : 1));
    levels.push(level);
    steps.push({
      t,
      offeredShakesPerSecond: offered,
      regionLevel: level,
      rateScale,
      perShardRequestsPerSecond: candidates / shards,
      perShardLoad: candidates / shards / g.perObjectLimit,
    });
  }
  return steps;
}
