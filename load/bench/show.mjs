/**
 * The bench's show: three sponsors and three phases whose windows are moved so that the
 * phase a scenario needs is live (or none, for rest), through the real admin API.
 */
import { callJson } from "./http.mjs";

export const SPONSORS = ["bench-aurora", "bench-jade", "bench-lantern"];

/**
 * Phases the scenarios put live; candidateRate is the share of shakes that are envelope
 * candidates, issuance how they get one (absent: a shard call per candidate).
 */
export const PHASES = {
  lottery: { kind: "lottery", candidateRate: 0.01 },
  claims: { kind: "lottery", candidateRate: 1 },
  leases: { kind: "lottery", candidateRate: 1, issuance: "edge-leases" },
  seeds: { kind: "lottery", candidateRate: 1 },
  greetings: { kind: "greeting", candidateRate: 0 },
};

const HOUR = 3_600_000;

/** The timeline document with `liveId` live now and every other phase hours ahead. */
export function showAt(now, liveId) {
  return {
    galaId: "bench-gala",
    sponsors: SPONSORS.map((id) => ({ id, name: id, assetId: `asset-${id}` })),
    phases: Object.entries(PHASES).map(([id, phase], i) => ({
      id,
      title: id,
      kind: phase.kind,
      startsAt: id === liveId ? now - 1_000 : now + 2 * HOUR + i * HOUR,
      endsAt: id === liveId ? now + HOUR : now + 2 * HOUR + i * HOUR + HOUR / 2,
      sponsorIds: phase.kind === "lottery" ? SPONSORS : [],
      greetingAssetId: `greeting-${id}`,
      candidateRate: phase.candidateRate,
      ...(phase.issuance ? { issuance: phase.issuance } : {}),
    })),
  };
}

export class AdminClient {
  constructor(baseUrl, secret) {
    this.baseUrl = baseUrl;
    this.secret = secret;
  }

  async call(method, path, body) {
    const res = await callJson(this.baseUrl, method, `/api/admin${path}`, this.secret, body, 60_000, { origin: this.baseUrl });
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
    return res.body;
  }

  async goLive(liveId) {
    const { timeline } = await this.call("GET", "/timeline");
    return this.call("PUT", "/timeline", { expectedVersion: timeline?.version ?? 0, timeline: showAt(Date.now(), liveId) });
  }

  /** One pool per sponsor for a phase, `count` envelopes each at an average of 100 cents. */
  createPools(phaseId, count, extra = {}) {
    return Promise.all(
      SPONSORS.map((sponsorId) => this.call("POST", "/pools", { phaseId, sponsorId, budgetCents: count * 100, count, ...extra })),
    );
  }

  audit() {
    return this.call("GET", "/audit");
  }
}
