/**
 * A pool shard's running totals (`pool_totals` per pool, `shard_totals` for the shard), the
 * only writer of both tables. They are kept by SQLite triggers on the tables whose rows they
 * count, so every write to those rows moves its totals in the same statement, hence the same
 * transaction, whichever module wrote it (and a write no module meant, such as a fault a test
 * injects, is counted too): no write path can forget a counter, and the owners of the counted
 * tables need not know about them. The audit (figures.ts, claim-state.ts) reads these totals
 * instead of counting rows, so its cost grows with the shard's pools, not with its claims.
 *
 * Per pool, levels (what is there now) and movements (what happened so far):
 * - stock: envelopes in `envelopes` (stock.ts); leased: envelopes in `leased_envelopes`
 *   (leases.ts), lent and not reported yet;
 * - lent: envelopes ever lent to an edge lease; issued: claims recorded (claims.ts);
 * - opened, sent (its settlement left the shard: enqueued, dead-lettered or settled), settled
 *   (the consumer confirmed the ledger holds it), swept (settled without its winner having
 *   opened it: the phase-close sweep sent it; one opened after its sweep counts as opened from
 *   then on): claims by their `claim_state` (claim-state.ts);
 * - voided: leased claims voided at their record (`voided_claims`, voided-claims.ts), with their cents;
 * - moved in / moved out: the show clock's moves (moves.ts);
 * - merged in / merged out: leased claims recorded here from another shard's loan, and claims
 *   of this shard's loans recorded at another home shard (merges.ts).
 * What was loaded stays in the `pools` row (stock.ts), written once per pool.
 *
 * Per shard: `duplicates` (pairs of rows holding one envelope in two of stock, leases and
 * claims: raised on every insert and lowered on every delete, so it is exact whatever the
 * order of the two writes of a move between them) and `voided` (leased claims voided at the
 * record); `holdings`: the claims each person holds in a gala, in all and per sponsor (`*` for
 * all), raised and lowered with each claim row, and `holding_counts`: how many holdings rows
 * stand at each count, in all and per sponsor, kept by triggers on `holdings`, whose largest
 * non-empty count the audit reads (so a claim displaced in the transaction that records
 * another never counts twice). A histogram of a few rows instead of an index over every
 * person's holdings: a claim then writes one small page, not two index entries per holding
 * (about 70 µs of a claim's CPU, docs/performance.md). The duplicates counter is written
 * only when a pair is found, so a claim does not write `shard_totals` at all.
 * The triggers need the counted tables to exist: the shard creates this module last, and
 * recreates every trigger each time it starts, so a shard created by an older version
 * counts with the current bodies.
 */
import type { ShardPoolFigures } from "../../src/wire/rpc";

const COLUMNS = [
  "stock",
  "leased",
  "lent",
  "issued",
  "opened",
  "sent",
  "settled",
  "swept",
  "voided",
  "moved_in",
  "moved_out",
  "merged_in",
  "merged_out",
] as const;
type Column = (typeof COLUMNS)[number];

/**
 * One level or movement counted per pool. `own`: the row carries its pool and cents (`cents`
 * column); otherwise the row is a claim's `claim_state` and counts that claim while `when`
 * holds (`$` stands for the row).
 */
type Counted = { column: Column; table: string; movement?: boolean } & ({ own: string } | { when: string });

/** The settlement states counted per claim, each while its condition on the claim's `claim_state` row (`$`) holds. */
export const CLAIM_STATES = {
  opened: "$.opened_at IS NOT NULL",
  sent: "($.enqueued_at IS NOT NULL OR $.dead_at IS NOT NULL OR $.settled_at IS NOT NULL)",
  settled: "$.settled_at IS NOT NULL",
  swept: "($.settled_at IS NOT NULL AND $.opened_at IS NULL)",
} as const;

const COUNTED: Counted[] = [
  { column: "stock", table: "envelopes", own: "amount" },
  { column: "leased", table: "leased_envelopes", own: "amount" },
  { column: "lent", table: "leased_envelopes", movement: true, own: "amount" },
  { column: "issued", table: "claims", own: "amount" },
  ...Object.entries(CLAIM_STATES).map(([column, when]) => ({ column: column as Column, table: "claim_state", when })),
  { column: "voided", table: "voided_claims", movement: true, own: "amount" },
  { column: "moved_in", table: "moves_in", movement: true, own: "cents" },
  { column: "moved_out", table: "moves_out", movement: true, own: "cents" },
  { column: "merged_in", table: "merged_in", movement: true, own: "amount" },
  { column: "merged_out", table: "merged_out", movement: true, own: "amount" },
];

/** Adds the (pool_id, n, cents) rows `rows` selects to one column's count and cents. */
const add = (column: Column, rows: string) =>
  `INSERT INTO pool_totals (pool_id, ${column}_count, ${column}_cents) SELECT pool_id, n, cents FROM (${rows}) WHERE n <> 0
   ON CONFLICT (pool_id) DO UPDATE SET ${column}_count = ${column}_count + excluded.${column}_count,
     ${column}_cents = ${column}_cents + excluded.${column}_cents;`;

/** What one event adds to a column: ±1 per row of a table that carries its pool, the change of `when` for a claim's state. */
function change(c: Counted, event: "INSERT" | "DELETE" | "UPDATE"): string[] {
  if ("own" in c) {
    const row = (r: string, sign: number) => `SELECT ${r}.pool_id AS pool_id, ${sign} AS n, ${sign} * ${r}.${c.own} AS cents`;
    if (event === "INSERT") return [add(c.column, row("NEW", 1))];
    if (c.movement) return [];
    return event === "DELETE" ? [add(c.column, row("OLD", -1))] : [add(c.column, row("OLD", -1)), add(c.column, row("NEW", 1))];
  }
  const holds = (r: string) => `(${c.when.replaceAll("$", r)})`;
  const delta = event === "INSERT" ? holds("NEW") : event === "DELETE" ? `-${holds("OLD")}` : `${holds("NEW")} - ${holds("OLD")}`;
  const row = event === "DELETE" ? "OLD" : "NEW";
  return [
    add(
      c.column,
      `SELECT pool_id, d AS n, d * amount AS cents FROM (SELECT pool_id, amount, ${delta} AS d FROM claims WHERE claim_id = ${row}.claim_id)`,
    ),
  ];
}

/** Envelope pairs one row of `table` makes with the other two places an envelope can be. */
const OTHER_PLACES: Record<string, string[]> = {
  envelopes: ["claims", "leased_envelopes"],
  claims: ["envelopes", "leased_envelopes"],
  leased_envelopes: ["envelopes", "claims"],
};
const pairs = (table: string, row: string) =>
  OTHER_PLACES[table].map((other) => `(SELECT COUNT(*) FROM ${other} WHERE envelope_id = ${row}.envelope_id)`).join(" + ");

/** Moves a person's holdings, in all and from the claim's sponsor, by `sign`. */
const hold = (row: "NEW" | "OLD", sign: 1 | -1) =>
  ["'*'", `${row}.sponsor_id`]
    .map(
      (sponsor) => `INSERT INTO holdings (user_id, gala_id, sponsor_id, n) VALUES (${row}.user_id, ${row}.gala_id, ${sponsor}, ${sign})
   ON CONFLICT (user_id, gala_id, sponsor_id) DO UPDATE SET n = n + excluded.n;`,
    )
    .join("\n");

/** The histogram scope of a holdings row: `*` (all of a person's claims in a gala) or `sponsor`. */
const scope = (row: "NEW" | "OLD") => `CASE WHEN ${row}.sponsor_id = '*' THEN '*' ELSE 'sponsor' END`;

/** Moves the number of holdings rows standing at a row's count by `sign`. */
const countHolding = (row: "NEW" | "OLD", sign: 1 | -1) =>
  `INSERT INTO holding_counts (scope, n, holders) VALUES (${scope(row)}, ${row}.n, ${sign})
   ON CONFLICT (scope, n) DO UPDATE SET holders = holders + excluded.holders;`;

/** The statements each trigger runs, by table and event. */
function triggerBodies(): Map<string, string[]> {
  const bodies = new Map<string, string[]>();
  const push = (table: string, event: "INSERT" | "DELETE" | "UPDATE", statement: string) =>
    bodies.set(`${table} ${event}`, [...(bodies.get(`${table} ${event}`) ?? []), statement]);
  for (const c of COUNTED) {
    for (const event of ["INSERT", "DELETE", "UPDATE"] as const) for (const statement of change(c, event)) push(c.table, event, statement);
  }
  for (const table of Object.keys(OTHER_PLACES)) {
    push(
      table,
      "INSERT",
      `UPDATE shard_totals SET n = n + ${pairs(table, "NEW")} WHERE name = 'duplicates' AND ${pairs(table, "NEW")} <> 0;`,
    );
    push(
      table,
      "DELETE",
      `UPDATE shard_totals SET n = n - (${pairs(table, "OLD")}) WHERE name = 'duplicates' AND ${pairs(table, "OLD")} <> 0;`,
    );
  }
  push("claims", "INSERT", hold("NEW", 1));
  push("claims", "DELETE", hold("OLD", -1));
  push("holdings", "INSERT", countHolding("NEW", 1));
  push("holdings", "DELETE", countHolding("OLD", -1));
  push("holdings", "UPDATE", countHolding("OLD", -1));
  push("holdings", "UPDATE", countHolding("NEW", 1));
  push("voided_claims", "INSERT", "UPDATE shard_totals SET n = n + 1 WHERE name = 'voided';");
  return bodies;
}

const SHARD_TOTALS = ["duplicates", "voided"] as const;
type ShardTotal = (typeof SHARD_TOTALS)[number];

const SCHEMA = `
CREATE TABLE IF NOT EXISTS pool_totals (
  pool_id TEXT PRIMARY KEY,
  ${COLUMNS.map((c) => `${c}_count INTEGER NOT NULL DEFAULT 0, ${c}_cents INTEGER NOT NULL DEFAULT 0`).join(",\n  ")}
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS shard_totals (
  name TEXT PRIMARY KEY,
  n INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS holdings (
  user_id TEXT NOT NULL,
  gala_id TEXT NOT NULL,
  sponsor_id TEXT NOT NULL,
  n INTEGER NOT NULL,
  PRIMARY KEY (user_id, gala_id, sponsor_id)
) WITHOUT ROWID;
-- Before holding_counts, the audit read the largest holdings through these two indexes.
DROP INDEX IF EXISTS holdings_all;
DROP INDEX IF EXISTS holdings_sponsor;
CREATE TABLE IF NOT EXISTS holding_counts (
  scope TEXT NOT NULL,
  n INTEGER NOT NULL,
  holders INTEGER NOT NULL,
  PRIMARY KEY (scope, n)
) WITHOUT ROWID;
`;

/** Fills `holding_counts` from `holdings` (a shard whose holdings were kept before the histogram). */
const COUNT_HOLDINGS = `INSERT INTO holding_counts (scope, n, holders)
  SELECT CASE WHEN sponsor_id = '*' THEN '*' ELSE 'sponsor' END, n, COUNT(*) FROM holdings GROUP BY 1, 2`;

/**
 * Columns of the pool totals counted from the rows (`columns`: all of them for a shard that
 * held rows before the totals were kept, the new ones for a shard kept before them): the only
 * time they are, in the transaction that creates the triggers.
 */
function countColumns(sql: SqlStorage, columns: readonly Column[]): void {
  const sums = (table: string, where = "true") =>
    `SELECT pool_id, COUNT(*) AS n, SUM(amount) AS cents FROM ${table} WHERE ${where} GROUP BY pool_id`;
  const fromState = (condition: string) =>
    `SELECT c.pool_id, COUNT(*) AS n, SUM(c.amount) AS cents FROM claim_state s JOIN claims c ON c.claim_id = s.claim_id
      WHERE ${condition.replaceAll("$", "s")} GROUP BY c.pool_id`;
  const moved = (table: string) => `SELECT pool_id, SUM(count) AS n, SUM(cents) AS cents FROM ${table} GROUP BY pool_id`;
  const sources: Record<Column, string> = {
    stock: sums("envelopes"),
    leased: sums("leased_envelopes"),
    lent: sums("leased_envelopes"),
    issued: sums("claims"),
    opened: fromState(CLAIM_STATES.opened),
    sent: fromState(CLAIM_STATES.sent),
    settled: fromState(CLAIM_STATES.settled),
    swept: fromState(CLAIM_STATES.swept),
    voided: sums("voided_claims"),
    moved_in: moved("moves_in"),
    moved_out: moved("moves_out"),
    merged_in: sums("merged_in"),
    merged_out: sums("merged_out"),
  };
  for (const column of columns) {
    const source = sources[column];
    sql.exec(
      `INSERT INTO pool_totals (pool_id, ${column}_count, ${column}_cents) SELECT pool_id, n, cents FROM (${source}) WHERE true
       ON CONFLICT (pool_id) DO UPDATE SET ${column}_count = excluded.${column}_count, ${column}_cents = excluded.${column}_cents`,
    );
  }
}

/** The shard totals and holdings of a shard that held rows before they were kept, counted once from the rows. */
function backfill(sql: SqlStorage): void {
  countColumns(sql, COLUMNS);
  const scalar = (query: string) => sql.exec<{ v: number | null }>(query).one().v ?? 0;
  const values: Record<ShardTotal, number> = {
    duplicates:
      scalar("SELECT COUNT(*) AS v FROM envelopes e JOIN claims c ON c.envelope_id = e.envelope_id") +
      scalar("SELECT COUNT(*) AS v FROM leased_envelopes e JOIN envelopes s ON s.envelope_id = e.envelope_id") +
      scalar("SELECT COUNT(*) AS v FROM leased_envelopes e JOIN claims c ON c.envelope_id = e.envelope_id"),
    voided: scalar("SELECT COUNT(*) AS v FROM voided_claims"),
  };
  for (const [name, n] of Object.entries(values)) sql.exec("UPDATE shard_totals SET n = ? WHERE name = ?", n, name);
  sql.exec(
    `INSERT INTO holdings (user_id, gala_id, sponsor_id, n)
     SELECT user_id, gala_id, '*', COUNT(*) FROM claims GROUP BY user_id, gala_id
     UNION ALL SELECT user_id, gala_id, sponsor_id, COUNT(*) FROM claims GROUP BY user_id, gala_id, sponsor_id`,
  );
}

/** Creates the totals and their triggers (after every counted table); counts existing rows once. */
export function keepTotals(storage: DurableObjectStorage): void {
  const sql = storage.sql;
  const exists = (table: string) => sql.exec("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?", table).toArray().length > 0;
  const fresh = !exists("pool_totals");
  const uncounted = !fresh && !exists("holding_counts");
  const kept = new Set(
    sql
      .exec<{ name: string }>("SELECT name FROM pragma_table_info('pool_totals')")
      .toArray()
      .map((c) => c.name),
  );
  const added = fresh ? [] : COLUMNS.filter((c) => !kept.has(`${c}_count`));
  storage.transactionSync(() => {
    sql.exec(SCHEMA);
    for (const c of added) {
      for (const unit of ["count", "cents"]) sql.exec(`ALTER TABLE pool_totals ADD COLUMN ${c}_${unit} INTEGER NOT NULL DEFAULT 0`);
    }
    for (const name of SHARD_TOTALS) sql.exec("INSERT OR IGNORE INTO shard_totals (name, n) VALUES (?, 0)", name);
    for (const [key, statements] of triggerBodies()) {
      const [table, event] = key.split(" ");
      const name = `totals_${table}_${event.toLowerCase()}`;
      sql.exec(`DROP TRIGGER IF EXISTS ${name}`);
      sql.exec(`CREATE TRIGGER ${name} AFTER ${event} ON ${table} BEGIN ${statements.join("\n")} END`);
    }
    if (fresh) backfill(sql);
    if (added.length > 0) countColumns(sql, added);
    if (uncounted) sql.exec(COUNT_HOLDINGS);
  });
}

/** One pool's totals: each level's and movement's count and cents. */
export interface PoolTotals {
  poolId: string;
  totals: Record<Column, { count: number; cents: number }>;
}

/** Every pool's totals on this shard (one row per pool). */
export function poolTotals(sql: SqlStorage): Map<string, PoolTotals> {
  const out = new Map<string, PoolTotals>();
  for (const row of sql.exec<Record<string, SqlStorageValue>>("SELECT * FROM pool_totals")) {
    const poolId = String(row.pool_id);
    const totals = Object.fromEntries(
      COLUMNS.map((c) => [c, { count: Number(row[`${c}_count`]), cents: Number(row[`${c}_cents`]) }]),
    ) as PoolTotals["totals"];
    out.set(poolId, { poolId, totals });
  }
  return out;
}

/** The shard-wide totals: envelopes in two places, voided leased claims, and the most claims one person holds (in all, from one sponsor). */
export function shardTotals(sql: SqlStorage): Record<ShardTotal | "maxPerUser" | "maxPerUserSponsor", number> {
  const rows = sql.exec<{ name: ShardTotal; n: number }>("SELECT name, n FROM shard_totals").toArray();
  const most = (scope: string) =>
    sql.exec<{ v: number | null }>("SELECT MAX(n) AS v FROM holding_counts WHERE scope = ? AND holders > 0", scope).one().v ?? 0;
  return {
    ...(Object.fromEntries(SHARD_TOTALS.map((name) => [name, rows.find((r) => r.name === name)?.n ?? 0])) as Record<ShardTotal, number>),
    maxPerUser: most("*"),
    maxPerUserSponsor: most("sponsor"),
  };
}

/** Pools among `poolIds` with claims whose settlement has not left the shard (issued > sent). */
export function poolsWithUnsent(sql: SqlStorage, poolIds: readonly string[]): string[] {
  return sql
    .exec<{ pool_id: string }>(
      "SELECT pool_id FROM pool_totals WHERE issued_count > sent_count AND pool_id IN (SELECT value FROM json_each(?))",
      JSON.stringify(poolIds),
    )
    .toArray()
    .map((r) => r.pool_id);
}

/** The audit's per-pool figures of one pool, from its `pools` row's loaded share and its totals. */
export function poolFigures(poolId: string, loadedCount: number, loadedCents: number, t: PoolTotals | undefined): ShardPoolFigures {
  return {
    poolId,
    loadedCount,
    loadedCents,
    remainingCount: t?.totals.stock.count ?? 0,
    remainingCents: t?.totals.stock.cents ?? 0,
    leasedCount: t?.totals.leased.count ?? 0,
    leasedCents: t?.totals.leased.cents ?? 0,
    claimedCount: t?.totals.issued.count ?? 0,
    claimedCents: t?.totals.issued.cents ?? 0,
    mergedInCount: t?.totals.merged_in.count ?? 0,
    mergedInCents: t?.totals.merged_in.cents ?? 0,
    mergedOutCount: t?.totals.merged_out.count ?? 0,
    mergedOutCents: t?.totals.merged_out.cents ?? 0,
    opened: t?.totals.opened ?? { count: 0, cents: 0 },
    settled: t?.totals.settled ?? { count: 0, cents: 0 },
    swept: t?.totals.swept ?? { count: 0, cents: 0 },
    voided: t?.totals.voided ?? { count: 0, cents: 0 },
  };
}
