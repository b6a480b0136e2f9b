/**
 * A short dress rehearsal (a hundred viewers, the show at 200× speed) on the same path as
 * `npm run rehearsal`: it must pass, write its report, and fail on the money check, naming
 * the place, when a ledger row is made to name no pool. Each run is bounded by the
 * rehearsal's own watchdog, well inside the test timeout, and a run past its bound is
 * abandoned with its servers stopped.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { publish } from "../../load/rehearsal/publish.ts";
import { rehearseWithin, type RehearsalOptions } from "../../load/rehearsal/rehearse.ts";
import { freePort } from "../browser/support/free-port.ts";

const BOUND_MS = 120_000;
const out = mkdtempSync(join(tmpdir(), "gala-rehearsal-"));
afterAll(() => rmSync(out, { recursive: true, force: true }));

async function options(extra: Partial<RehearsalOptions> = {}): Promise<RehearsalOptions> {
  return {
    viewers: 100,
    speedup: 200,
    shards: 4,
    // Pools of a handful of envelopes in phases of a few seconds: the plan check is loose here
    // (its exact thresholds are tested on hand-made figures in verdict.node.ts).
    poolTolerance: 0.5,
    settleBoundMs: 15_000,
    storage: "memory",
    appPort: await freePort(),
    rampMs: 1_000,
    timelineTtlMs: 500,
    outDir: out,
    command: "short rehearsal (test)",
    onProgress: () => {},
    ...extra,
  };
}

describe("short rehearsal", () => {
  it("is abandoned past its bound, with its servers stopped", async () => {
    const o = await options();
    await expect(rehearseWithin(o, 1_000)).rejects.toThrow(/still running after 1 s: servers and viewers stopped/);
    await expect(fetch(`http://127.0.0.1:${o.appPort}/api/time`)).rejects.toThrow();
  });

  it("passes, with every check, and writes its report", async () => {
    const record = await rehearseWithin(await options(), BOUND_MS);
    expect(record.verdict.findings).toEqual([]);
    expect(record.verdict.passed).toBe(true);
    expect(record.operator?.error).toBeNull();
    expect(record.phases.map((p) => p.id)).toContain("encore-lottery");
    expect(record.fleet.reduce((n, s) => n + (s.kinds.envelope ?? 0), 0)).toBeGreaterThan(0);
    expect(record.fleet.flatMap((s) => s.settleMs).length).toBeGreaterThan(0);
    expect(record.finalAudit.balanced).toBe(true);
    const files = publish(record, out, join(out, "served"));
    expect(readFileSync(files.html, "utf8")).toContain("PASS");
    expect(JSON.parse(readFileSync(join(out, "served/latest.json"), "utf8"))).toMatchObject({
      passed: true,
      report: "/rehearsal/latest.html",
    });
    expect(existsSync(join(out, "rehearsal-latest.html"))).toBe(true);
  });

  it("fails on money, naming the ledger, when a ledger row names no pool", async () => {
    const record = await rehearseWithin(
      await options({
        // Only the money check matters here: a smaller, faster show.
        viewers: 20,
        speedup: 400,
        beforeAudit: async (mf) => {
          const partitions = await mf.getDurableObjectNamespace("LEDGER_PARTITION");
          const forged = {
            entryId: "claim:forged",
            userId: "u_forger",
            kind: "envelope",
            amountCents: 500,
            claimId: "forged",
            poolId: "pool-that-does-not-exist",
            phaseId: "opening-lottery",
            sponsorId: "aurora",
          };
          // The worker's LedgerPartition RPC, reached through Miniflare's proxy (typed as a plain fetcher there).
          const partition = partitions.get(partitions.idFromName("ledger-0")) as unknown as {
            credit(c: (typeof forged)[], now: number): Promise<string[]>;
          };
          await partition.credit([forged], Date.now());
        },
      }),
      BOUND_MS,
    );
    expect(record.verdict.passed).toBe(false);
    expect(record.verdict.findings).toContainEqual(expect.objectContaining({ check: "money", where: "ledger" }));
    expect(record.verdict.summary.money).toMatch(/^FAIL/);
  });
});
