/**
 * The group envelopes of `npm run bench:audit` (issue 26): made and filled through the API as
 * viewers do, so that each envelope's deep check (durable-objects/group-envelope/grabs-check.ts,
 * one slice over all its grab rows on each of its alarms) reads as many rows as an envelope
 * can hold; and that check's figures read from each envelope's own storage once the app has
 * stopped (an envelope reports to the show clock only when its findings change, so the audit
 * does not show its runs).
 *
 * A slice of one query over at most 200 rows is shorter than the object's clock can tell
 * (workerd's clock moves with I/O: its slices show 0 ms), so the check's query itself
 * (`GrabRows.next`, the code the object runs) is also timed here, on each envelope's file with
 * Node's SQLite and a fine clock, `QUERY_REPEATS` times: rows per second and the longest.
 */
import { DatabaseSync } from "node:sqlite";
import { GrabRows } from "../../durable-objects/group-envelope/grabs-check.ts";
import { callJson } from "./http.mjs";
import { mintUsers, tokenOf } from "./users.mjs";

/** Grabs in flight at once. */
const GRAB_CONCURRENCY = 20;
/** Times each envelope's check query is run for its timing. */
const QUERY_REPEATS = 20;

/**
 * Each sender (a seeded viewer whose wallet holds at least `shares` cents) makes a wallet-funded
 * group envelope of `shares` cents in `shares` shares, and `shares` other viewers grab every
 * one of them. Returns the envelopes' ids; throws on any answer but a created envelope and a grab.
 */
export async function fillGroups(url, senders, shares, { secret, shardCount }) {
  const ids = [];
  for (const [i, userId] of senders.entries()) {
    const body = { amountCents: shares, count: shares, requestId: `bench-group-${i}` };
    const res = await callJson(url, "POST", "/api/groups", await tokenOf(userId, secret), body);
    if (res.status !== 201) throw new Error(`POST /api/groups for ${userId}: ${res.status} ${res.text}`);
    ids.push(res.body.id);
  }
  const grabbers = await mintUsers({ count: shares, secret, shardCount });
  const grabs = ids.flatMap((id) => grabbers.map((token) => ({ id, token })));
  const grabNext = async () => {
    for (let g = grabs.pop(); g; g = grabs.pop()) {
      const res = await callJson(url, "POST", `/api/groups/${g.id}/grab`, g.token, { requestId: `grab-${g.id}` });
      if (res.status !== 200 || res.body?.status !== "grabbed") throw new Error(`grab of ${g.id}: ${res.status} ${res.text}`);
    }
  };
  await Promise.all(Array.from({ length: GRAB_CONCURRENCY }, grabNext));
  return ids;
}

/** The object's `sql.exec(...).one()`, which is all `GrabRows` asks of its storage, on Node's SQLite. */
const sqlOf = (db) => ({ exec: (query, ...bindings) => ({ one: () => db.prepare(query).get(...bindings) }) });

/**
 * Each envelope's last deep check run, read from its SQLite file (`files`: group id → path) once
 * the app has stopped, with its check query timed (`queryMs`: each of `QUERY_REPEATS` runs);
 * throws when a run did not read all `shares` grab rows (no visit or alarm after the last grab)
 * or a run or the query found a difference.
 */
export function groupCheckRuns(files, shares) {
  return [...files].map(([groupId, file]) => {
    const db = new DatabaseSync(file, { readOnly: true });
    try {
      const state = db.prepare("SELECT last_run FROM deep_check WHERE id = 0").get();
      const findings = db.prepare("SELECT COUNT(*) AS n FROM deep_findings").get().n;
      const run = state?.last_run ? JSON.parse(state.last_run) : null;
      if (run?.rows !== shares || findings !== 0) {
        throw new Error(
          `group ${groupId}: deep check ${JSON.stringify(run)} with ${findings} findings, expected one run over ${shares} grabs`,
        );
      }
      const check = new GrabRows(sqlOf(db), () => groupId);
      const queryMs = Array.from({ length: QUERY_REPEATS }, () => {
        const started = performance.now();
        const { rows } = check.next("", (key, diff) => {
          if (diff !== 0) throw new Error(`group ${groupId}: the check query finds ${key} off by ${diff}`);
        });
        if (rows !== shares) throw new Error(`group ${groupId}: the check query read ${rows} of ${shares} grabs`);
        return performance.now() - started;
      });
      return { ...run, queryMs };
    } finally {
      db.close();
    }
  });
}

/** The check query's figures over every envelope: rows per second at the median time, and the median and longest query in ms. */
export function queryFigures(runs) {
  const times = runs.flatMap((r) => r.queryMs).sort((a, b) => a - b);
  const medianMs = times[Math.floor(times.length / 2)];
  return {
    rowsPerSecond: Math.round(runs[0].rows / (medianMs / 1000)),
    medianMs: Number(medianMs.toFixed(3)),
    maxMs: Number(times.at(-1).toFixed(3)),
  };
}
