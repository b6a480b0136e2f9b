/**
 * Preparation the open and grab scenarios need before their load starts: winners holding
 * claims, and group envelopes made from seed claims. Done through the public API with a
 * bounded number of requests in flight, as clients would.
 */
import { callJson } from "./http.mjs";

/** Runs `task` over `items` with at most `width` in flight; results in order. */
export async function inParallel(items, width, task) {
  const results = new Array(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

/**
 * One shake per token in a phase where every shake is a candidate: the claim ids won. A shake
 * answered with an error or `busy` fails the preparation (a greeting is a viewer at a limit).
 */
export async function winClaims({ appUrl, wire }, tokens) {
  const won = await inParallel(tokens, 32, async (token, i) => {
    const requestId = `prepare-${i}`;
    const { status, text, body } =
      wire === "json"
        ? await callJson(appUrl, "POST", "/api/shake", token, { requestId })
        : await callJson(appUrl, "POST", `/api/shake/${requestId}`, token);
    if (status !== 200 || body?.kind === "busy") throw new Error(`preparing winners: a shake answered ${status} ${text}`);
    return body.kind === "envelope" ? { token, claimId: body.envelope.claimId } : null;
  });
  return won.filter(Boolean);
}

/** A group envelope from each seed claim: the group ids created. */
export async function seedGroups(baseUrl, winners) {
  const groups = await inParallel(winners, 32, async ({ token, claimId }) => {
    const { status, body } = await callJson(baseUrl, "POST", "/api/groups", token, { fromClaimId: claimId, greeting: "bench" });
    return status === 201 ? body.id : null;
  });
  return groups.filter(Boolean);
}
