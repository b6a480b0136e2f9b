/**
 * The OpenAPI document as tools this project did not write see it: Redocly's linter finds
 * nothing under its recommended rules (redocly.yaml), and openapi-typescript generates exactly
 * the committed client types (gala-api.ts) with which test/operations/generated-client.test.ts
 * runs a viewer's whole flow through openapi-fetch. After a contract change, rewrite them with
 * `CONTRACT_WRITE=1 npx vitest run --config vitest.node.config.ts test/contract`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import openapiTS, { astToString, COMMENT_HEADER, type OpenAPI3 } from "openapi-typescript";
import { afterAll, describe, expect, it } from "vitest";
import { openApiDocument } from "../../src/contract/openapi";

const ROOT = resolve(import.meta.dirname, "../..");
const GENERATED = join(ROOT, "test/contract/gala-api.ts");
/** As a deployment serves it (served from localhost, Redocly would rightly warn about its server URL). */
const document = openApiDocument("https://gala-shake.your-account.workers.dev");
const dir = mkdtempSync(join(tmpdir(), "gala-openapi-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface LintReport {
  totals: { errors: number; warnings: number; ignored: number };
  problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
}

describe("the OpenAPI document under standard tools", () => {
  it("lints clean under Redocly's recommended rules", () => {
    const file = join(dir, "openapi.json");
    writeFileSync(file, JSON.stringify(document));
    const lint = spawnSync(
      join(ROOT, "node_modules/.bin/redocly"),
      ["lint", file, "--config", join(ROOT, "redocly.yaml"), "--format=json"],
      {
        encoding: "utf8",
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      },
    );
    const report = JSON.parse(lint.stdout) as LintReport;
    const problems = report.problems.map((p) => `${p.ruleId} at ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  });

  it("generates the committed client types with openapi-typescript", async () => {
    const generated = COMMENT_HEADER + astToString(await openapiTS(document as unknown as OpenAPI3, { silent: true }));
    if (process.env.CONTRACT_WRITE === "1") writeFileSync(GENERATED, generated);
    expect(generated === readFileSync(GENERATED, "utf8"), "test/contract/gala-api.ts is stale: rewrite it (see this file's comment)").toBe(
      true,
    );
  });
});
