/**
 * The per-person limits of a gala (design brief, invariant "Limits"): at most
 * MAX_ENVELOPES_PER_USER envelopes per person per gala, at most MAX_ENVELOPES_PER_USER_SPONSOR
 * from one sponsor. `withinLimits` is the rule; every place that enforces it (the shard's
 * claim, the record of an edge-lease win, the edge's choice from its lease) or checks it (the
 * audit) asks it. A person's envelopes in a gala are counted as their sponsors held: a list of
 * sponsor ids, one per envelope.
 */

export const MAX_ENVELOPES_PER_USER = 3;
export const MAX_ENVELOPES_PER_USER_SPONSOR = 1;

const countOf = (sponsorsHeld: readonly string[], sponsorId: string) => sponsorsHeld.filter((s) => s === sponsorId).length;

/** Whether holding `envelopes` in a gala, at most `fromOneSponsor` of them from one sponsor, keeps to the limits. */
export function withinLimits(envelopes: number, fromOneSponsor: number): boolean {
  return envelopes <= MAX_ENVELOPES_PER_USER && fromOneSponsor <= MAX_ENVELOPES_PER_USER_SPONSOR;
}

/**
 * Whether a person holding `sponsorsHeld` may take one more envelope: from `sponsorId` when
 * given, else from a sponsor they hold none from (false once no envelope at all is allowed).
 */
export function mayTake(sponsorsHeld: readonly string[], sponsorId?: string): boolean {
  return withinLimits(sponsorsHeld.length + 1, (sponsorId === undefined ? 0 : countOf(sponsorsHeld, sponsorId)) + 1);
}

/**
 * Two accounts of one person's envelopes in a gala merged: per sponsor the larger count. The
 * shard's records and the signed holdings each may lack wins the other has (a leased win not
 * reported yet; a win on another device).
 */
export function mergeSponsorsHeld(a: readonly string[], b: readonly string[]): string[] {
  return [...new Set([...a, ...b])].flatMap((id) => Array<string>(Math.max(countOf(a, id), countOf(b, id))).fill(id));
}
