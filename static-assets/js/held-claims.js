/**
 * What the phone keeps for edge-lease wins (docs/pwa.md, "Edge-lease wins"):
 *
 * - the signed claim of every win answered from an edge lease, until the server says it has
 *   recorded it (or voided it): the isolate that answered may vanish before it reports the
 *   claim, and then this copy is the winner's only proof;
 * - the latest signed `holdings` of the current gala, sent with every shake as the
 *   `X-Gala-Holdings` header so the edge checks the per-person limits without a call.
 *
 * Everything is in one `Storage` (the page's `localStorage`), so it survives a closed tab or
 * a restarted phone. Pure apart from that storage, which tests replace with their own.
 */

/** @typedef {import("../../src/wire/index").HoldingsHeader} HoldingsHeader */
/** @typedef {{ claimId: string, galaId: string, signedClaim: string }} HeldClaim */

const CLAIMS_KEY = "gs.claims";
const HOLDINGS_PREFIX = "gs.holdings.";
/** @type {HoldingsHeader} */
export const HOLDINGS_HEADER = "X-Gala-Holdings";

export class HeldClaims {
  #storage;

  /** @param {Pick<Storage, "getItem" | "setItem" | "removeItem" | "key" | "length">} storage */
  constructor(storage) {
    this.#storage = storage;
  }

  /** @returns {HeldClaim[]} */
  all() {
    try {
      const held = JSON.parse(this.#storage.getItem(CLAIMS_KEY) ?? "[]");
      return Array.isArray(held) ? held.filter(isHeldClaim) : [];
    } catch {
      return [];
    }
  }

  /**
   * Keeps a win's signed claim (once per claim id: a retried shake answers the same claim).
   * @param {HeldClaim} claim
   */
  keep(claim) {
    const held = this.all();
    if (!held.some((c) => c.claimId === claim.claimId)) this.#write([...held, claim]);
  }

  /** @param {string} claimId */
  signedClaimFor(claimId) {
    return this.all().find((c) => c.claimId === claimId)?.signedClaim ?? null;
  }

  /**
   * Forgets claims the server has recorded or voided.
   * @param {Iterable<string>} claimIds
   */
  drop(claimIds) {
    const gone = new Set(claimIds);
    const held = this.all();
    const kept = held.filter((c) => !gone.has(c.claimId));
    if (kept.length !== held.length) this.#write(kept);
  }

  /** @param {string} galaId */
  holdings(galaId) {
    return this.#storage.getItem(HOLDINGS_PREFIX + galaId);
  }

  /**
   * The shake's extra headers in this gala: the latest holdings, when there are any.
   * @param {string} galaId
   * @returns {Record<string, string>}
   */
  shakeHeaders(galaId) {
    const holdings = this.holdings(galaId);
    return holdings ? { [HOLDINGS_HEADER]: holdings } : {};
  }

  /**
   * Replaces the gala's holdings with the latest the server signed; other galas' are over.
   * @param {string} galaId
   * @param {string} holdings
   */
  keepHoldings(galaId, holdings) {
    const stale = [];
    for (let i = 0; i < this.#storage.length; i += 1) {
      const key = this.#storage.key(i);
      if (key?.startsWith(HOLDINGS_PREFIX) && key !== HOLDINGS_PREFIX + galaId) stale.push(key);
    }
    for (const key of stale) this.#storage.removeItem(key);
    this.#storage.setItem(HOLDINGS_PREFIX + galaId, holdings);
  }

  /** @param {HeldClaim[]} claims */
  #write(claims) {
    if (claims.length === 0) this.#storage.removeItem(CLAIMS_KEY);
    else this.#storage.setItem(CLAIMS_KEY, JSON.stringify(claims));
  }
}

/**
 * @param {unknown} c
 * @returns {c is HeldClaim}
 */
function isHeldClaim(c) {
  if (typeof c !== "object" || c === null) return false;
  const claim = /** @type {Record<string, unknown>} */ (c);
  return typeof claim.claimId === "string" && typeof claim.signedClaim === "string" && typeof claim.galaId === "string";
}
