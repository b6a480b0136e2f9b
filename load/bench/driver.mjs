/**
 * Load driver: runs in its own process (forked once per bench run, scenario-run.mjs) so the
 * load generator never shares an event loop with the servers or the bench. Each message is one
 * run spec; it drives it with autocannon and answers with the figures.
 *
 * Spec: { url | urls, method, path, connections, durationSec | amount, overallRate?, tokens?, paths?,
 *         requestIdPrefix?, idInPath?, body? }. With `urls` (several edge isolates), the
 *         connections, the amount and the rate are shared out among them, one autocannon
 *         instance each, all taking the next token and request id from one sequence; the
 *         latency answered is the requests-weighted mean of their p50s and the largest p99. With tokens, every request carries the next session
 *         token (round robin) and a fresh request id, as a shaking phone would: as the
 *         last path segment with idInPath (the lean shake wire, no body), else as a
 *         `{ requestId }` JSON body, or `body` (JSON text) as it is where a route takes no
 *         request id (opening an envelope); with paths, request n goes to paths[n % paths.length]
 *         (one claim or group each); holdingsFile: the file (created if absent, rewritten at the
 *         end) of each token's latest signed `holdings`, sent back in the X-Gala-Holdings
 *         header as an honest client does, so that runs of one scenario carry a viewer's wins
 *         from one to the next; it also names the tokens whose answer was lost (in flight when a
 *         timed run stopped: their holdings are stale) and keeps the signed claims they win
 *         afterwards, for the bench to present.
 * Answers requests, req/s, p50/p99, answers by kind (`http-<status>` for any status but 200),
 * `noAnswer` (connection errors and timeouts: autocannon counts timeouts among its errors) and
 * (with tokens) `unanswered`: requests sent whose answer never came because a timed run stopped
 * with them in flight.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import autocannon from "autocannon";

async function drive(spec) {
  const tokens = spec.tokens ?? [];
  const paths = spec.paths ?? [];
  const kept = spec.holdingsFile && existsSync(spec.holdingsFile) ? JSON.parse(readFileSync(spec.holdingsFile, "utf8")) : {};
  const holdings = kept.holdings ?? {};
  /** Tokens whose answer a run never read, and the signed claims they won after that. */
  const lost = new Set(kept.lost ?? []);
  const claimsOfLost = kept.claimsOfLost ?? {};
  const inFlight = new Set();
  const kinds = {};
  let next = 0;
  const baseHeaders = spec.idInPath ? {} : { "content-type": "application/json" };

  /** `context` is the connection's: its one request in flight, so the answer finds its token there. */
  function setupRequest(request, context) {
    if (tokens.length === 0) return request;
    const n = next++;
    if (paths.length > 0) request.path = paths[n % paths.length];
    const requestId = `${spec.requestIdPrefix}-${n}`;
    const token = n % tokens.length;
    context.token = token;
    inFlight.add(token);
    request.headers = { ...baseHeaders, authorization: `Bearer ${tokens[token]}` };
    if (holdings[token]) request.headers["x-gala-holdings"] = holdings[token];
    if (spec.idInPath) request.path = `${spec.path}/${requestId}`;
    else request.body = spec.body ?? JSON.stringify({ requestId });
    return request;
  }

  function onResponse(status, body, context) {
    const kind = status === 200 ? (/"(?:kind|status)":"(\w+)"/.exec(body)?.[1] ?? "other") : `http-${status}`;
    kinds[kind] = (kinds[kind] ?? 0) + 1;
    inFlight.delete(context.token);
    if (spec.holdingsFile && kind === "envelope") {
      const signed = /"holdings":"([^"]+)"/.exec(body)?.[1];
      if (signed) holdings[context.token] = signed;
      const claim = lost.has(context.token) && /"signedClaim":"([^"]+)"/.exec(body)?.[1];
      if (claim) (claimsOfLost[context.token] ??= []).push(claim);
    }
  }

  const urls = spec.urls ?? [spec.url];
  const share = (n) => Math.max(1, Math.ceil(n / urls.length));
  const results = await Promise.all(
    urls.map((url) =>
      autocannon({
        url,
        connections: share(spec.connections),
        // autocannon ends a run on its next sample tick: every 100 ms for a count of requests
        // (priming, smoke runs) instead of every second.
        ...(spec.amount ? { amount: share(spec.amount), sampleInt: 100 } : { duration: spec.durationSec }),
        ...(spec.overallRate ? { overallRate: share(spec.overallRate) } : {}),
        requests: [{ method: spec.method, path: spec.path, headers: baseHeaders, setupRequest, onResponse }],
      }),
    ),
  );
  const requests = results.reduce((n, r) => n + r.requests.total, 0);
  const durationSec = Math.max(...results.map((r) => r.duration));

  if (spec.holdingsFile) writeFileSync(spec.holdingsFile, JSON.stringify({ holdings, lost: [...lost, ...inFlight], claimsOfLost }));
  return {
    requests,
    durationSec,
    rps: requests / durationSec,
    p50Ms: results.reduce((n, r) => n + r.latency.p50 * r.requests.total, 0) / Math.max(1, requests),
    p99Ms: Math.max(...results.map((r) => r.latency.p99)),
    kinds,
    noAnswer: results.reduce((n, r) => n + r.errors, 0),
    unanswered: tokens.length === 0 ? 0 : next - Object.values(kinds).reduce((n, k) => n + k, 0),
  };
}

process.on("message", (spec) => {
  drive(spec).then(
    (figures) => process.send({ figures }),
    (err) => process.send({ error: String(err?.stack ?? err) }),
  );
});
process.on("disconnect", () => process.exit(0));
