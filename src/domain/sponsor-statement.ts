/**
 * A sponsor's statement (pure): per phase and pool, what was loaded, issued, opened, settled into
 * wallets (split as the shards confirmed it: opened, or swept unopened at phase close), voided,
 * rolled over or returned, and what is still in motion, in cents, reconciled to the cent by
 * named equations (each with its two sides), from the shards' running totals, the moves and the
 * ledger's settled sums. `reconciled` is true only when every equation holds.
 */
import type { MoveRecord, PoolRecord, SponsorStatement, StatementEquation, StatementLine, Timeline } from "../wire/index";
import type { CountCents, ShardBooks, ShardPoolFigures } from "../wire/rpc";
import type { LedgerPoolSums } from "./settlement-audit";
import { verifyMove, verifyPool } from "./verify";

export interface StatementInput {
  sponsorId: string;
  galaId: string;
  readAt: number;
  timeline: Timeline | null;
  pools: readonly PoolRecord[];
  books: readonly ShardBooks[];
  moves: readonly MoveRecord[];
  ledger: readonly LedgerPoolSums[];
}

const equation = (name: string, left: number, right: number, relation: StatementEquation["relation"] = "="): StatementEquation => ({
  name,
  relation,
  left,
  right,
  holds: relation === "=" ? left === right : left <= right,
});

/** One of a pool's claim totals (opened, settled, swept, voided) summed over the shards. */
function shardSum(books: readonly ShardBooks[], poolId: string, pick: (f: ShardPoolFigures) => CountCents): CountCents {
  const figures = books.flatMap((b) => b.pools.filter((p) => p.poolId === poolId).map(pick));
  return { count: figures.reduce((n, f) => n + f.count, 0), cents: figures.reduce((n, f) => n + f.cents, 0) };
}

function line(input: StatementInput, pool: PoolRecord, phaseOrder: Map<string, { index: number; title: string }>): StatementLine {
  const v = verifyPool(pool, input.books);
  const [opened, confirmed, swept, voided] = (["opened", "settled", "swept", "voided"] as const).map((k) =>
    shardSum(input.books, pool.poolId, (f) => f[k]),
  );
  const settled = input.ledger.find((l) => l.poolId === pool.poolId);
  const returnedCents = input.moves
    .filter((m) => m.fromPoolId === pool.poolId && m.toPoolId === null && m.state === "done")
    .reduce((sum, m) => sum + (m.landedCents ?? 0), 0);
  const settledCents = settled?.cents ?? 0;
  const inWalletMotionCents = v.claimedCents - settledCents;
  const equations = [
    equation(
      "loaded + rolled in = issued + in stock + lent to the edge + rolled out",
      v.loadedCents + v.movedInCents,
      v.claimedCents + v.remainingCents + v.leasedCents + v.movedOutCents,
    ),
    equation("settled into wallets ≤ issued (the rest is on its way to wallets)", settledCents, v.claimedCents, "≤"),
    equation(
      "settled opened + settled swept (confirmed at the shards) ≤ settled into wallets (the rest is confirming)",
      confirmed.cents,
      settledCents,
      "≤",
    ),
    equation("opened + settled swept ≤ issued (a swept envelope was never opened)", opened.cents + swept.cents, v.claimedCents, "≤"),
  ];
  return {
    phaseId: pool.phaseId,
    phaseTitle: phaseOrder.get(pool.phaseId)?.title ?? pool.phaseId,
    poolId: pool.poolId,
    loadedCents: v.loadedCents,
    loadedCount: v.shards.reduce((n, s) => n + s.loadedCount, 0),
    issuedCents: v.claimedCents,
    issuedCount: v.shards.reduce((n, s) => n + s.claimedCount, 0),
    openedCents: opened.cents,
    openedCount: opened.count,
    settledCents,
    settledCount: settled?.count ?? 0,
    settledOpenedCents: confirmed.cents - swept.cents,
    settledOpenedCount: confirmed.count - swept.count,
    settledSweptCents: swept.cents,
    settledSweptCount: swept.count,
    confirmingCents: settledCents - confirmed.cents,
    voidedCents: voided.cents,
    voidedCount: voided.count,
    toWalletsCents: inWalletMotionCents,
    lentCents: v.leasedCents,
    inStockCents: v.remainingCents,
    rolledInCents: v.movedInCents,
    rolledOutCents: v.movedOutCents,
    returnedCents,
    reconciled: equations.every((e) => e.holds),
    equations,
  };
}

export function sponsorStatement(input: StatementInput): SponsorStatement {
  const phaseOrder = new Map((input.timeline?.phases ?? []).map((p, index) => [p.id, { index, title: p.title }]));
  const pools = input.pools.filter((p) => p.sponsorId === input.sponsorId);
  const lines = pools
    .map((pool) => line(input, pool, phaseOrder))
    .sort(
      (a, b) =>
        (phaseOrder.get(a.phaseId)?.index ?? Infinity) - (phaseOrder.get(b.phaseId)?.index ?? Infinity) || a.poolId.localeCompare(b.poolId),
    );
  const total = (pick: (l: StatementLine) => number) => lines.reduce((sum, l) => sum + pick(l), 0);
  const moves = input.moves.filter((m) => m.sponsorId === input.sponsorId);
  const movingCents = moves.reduce((sum, m) => sum + verifyMove(m, input.books).inTransitCents, 0);
  const totals = {
    loadedCents: total((l) => l.loadedCents),
    issuedCents: total((l) => l.issuedCents),
    openedCents: total((l) => l.openedCents),
    settledCents: total((l) => l.settledCents),
    settledOpenedCents: total((l) => l.settledOpenedCents),
    settledSweptCents: total((l) => l.settledSweptCents),
    confirmingCents: total((l) => l.confirmingCents),
    voidedCents: total((l) => l.voidedCents),
    toWalletsCents: total((l) => l.toWalletsCents),
    lentCents: total((l) => l.lentCents),
    inStockCents: total((l) => l.inStockCents),
    returnedCents: total((l) => l.returnedCents),
    movingCents,
  };
  const inMotionCents = totals.toWalletsCents + totals.lentCents + totals.movingCents;
  const equations = [
    equation(
      "loaded = settled into wallets + in motion (to wallets, lent, moving between pools) + in stock + returned to the sponsor",
      totals.loadedCents,
      totals.settledCents + inMotionCents + totals.inStockCents + totals.returnedCents,
    ),
    equation(
      "rolled out = rolled in + returned to the sponsor + moving between pools",
      total((l) => l.rolledOutCents),
      total((l) => l.rolledInCents) + totals.returnedCents + totals.movingCents,
    ),
  ];
  return {
    sponsorId: input.sponsorId,
    galaId: input.galaId,
    readAt: input.readAt,
    reconciled: equations.every((e) => e.holds) && lines.every((l) => l.reconciled),
    totals: { ...totals, inMotionCents },
    equations,
    pools: lines,
  };
}

const CSV_COLUMNS: (keyof StatementLine)[] = [
  "phaseId",
  "phaseTitle",
  "poolId",
  "loadedCents",
  "loadedCount",
  "issuedCents",
  "issuedCount",
  "openedCents",
  "openedCount",
  "settledCents",
  "settledCount",
  "settledOpenedCents",
  "settledOpenedCount",
  "settledSweptCents",
  "settledSweptCount",
  "confirmingCents",
  "voidedCents",
  "voidedCount",
  "toWalletsCents",
  "lentCents",
  "inStockCents",
  "rolledInCents",
  "rolledOutCents",
  "returnedCents",
  "reconciled",
];

/**
 * One CSV cell. Text a spreadsheet would run as a formula (it starts with =, +, -, @, a tab or
 * a carriage return: an id, a phase title, an equation's relation) gets a leading apostrophe,
 * so sponsors opening the file see it as text (OWASP, CSV injection); numbers stay numbers.
 */
const csvCell = (value: unknown) => {
  const text = typeof value === "string" && /^[=+\-@\t\r]/.test(value) ? `'${value}` : String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The statement as CSV: one row per pool, then a totals row (the columns the totals sum) and one row per equation, with the time it was read. */
export function statementCsv(s: SponsorStatement): string {
  const rows = [
    ["sponsorId", s.sponsorId, "galaId", s.galaId, "readAt", new Date(s.readAt).toISOString(), "reconciled", s.reconciled],
    CSV_COLUMNS,
    ...s.pools.map((l) => CSV_COLUMNS.map((c) => (c === "reconciled" ? l.reconciled : l[c]))),
    CSV_COLUMNS.map((c) =>
      c === "phaseId" ? "total" : c === "reconciled" ? s.reconciled : ((s.totals as Record<string, number>)[c] ?? ""),
    ),
    ["equation", "relation", "left", "right", "holds"],
    ...[...s.equations, ...s.pools.flatMap((l) => l.equations.map((e) => ({ ...e, name: `${l.poolId}: ${e.name}` })))].map((e) => [
      e.name,
      e.relation,
      e.left,
      e.right,
      e.holds,
    ]),
  ];
  return rows.map((r) => r.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
