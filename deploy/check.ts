/**
 * `npm run deploy:check`: everything a production release does except the upload. Bundles
 * the worker with `wrangler deploy --dry-run --env production`, reads every environment
 * wrangler.toml defines (the top level, which a plain `wrangler deploy` deploys, and each
 * `[env.*]`) as wrangler resolves it, and checks them (deploy/checks.ts) against
 * deploy/production.json. With DEPLOY_CHECK_REMOTE=1 (and Cloudflare credentials) it also
 * asks `wrangler secret list` which secrets are set. Exit code 1 on any error.
 */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { experimental_readRawConfig, unstable_readConfig } from "wrangler";
import { checkRelease, type Environment, type ProductionConfig, type Recorded } from "./checks.ts";

const CONFIG = "wrangler.toml";
const wrangler = (args: string[]) => execFileSync("npx", ["wrangler", ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });

const recorded = JSON.parse(readFileSync("deploy/production.json", "utf8")) as Recorded;
console.log(`deploy:check: dry-run bundle of the production worker (--env ${recorded.environment})`);
const bundle = wrangler(["deploy", "--dry-run", "--env", recorded.environment, "--outdir", "dist"]);
console.log(bundle.match(/Total Upload:.*$/m)?.[0] ?? "no bundle size reported");

const { rawConfig } = experimental_readRawConfig({ config: CONFIG }, { hideWarnings: true });
const environments: Environment[] = ["", ...Object.keys(rawConfig.env ?? {})].map((env) => ({
  env,
  config: unstable_readConfig({ config: CONFIG, env: env || undefined }, { hideWarnings: true }) as unknown as ProductionConfig,
}));
// The secrets the worker always reads: those .dev.vars.example gives a value (an optional one is listed empty).
const secretsRead = [...readFileSync(".dev.vars.example", "utf8").matchAll(/^([A-Z][A-Z0-9_]*)=(?!""$|$)/gm)].map(([, name]) => name);
const workerdVersion = (JSON.parse(readFileSync("node_modules/workerd/package.json", "utf8")) as { version: string }).version;
const [, stamp] = /^1\.(\d{8})\./.exec(workerdVersion) ?? [];
const workerdDate = `${stamp.slice(0, 4)}-${stamp.slice(4, 6)}-${stamp.slice(6, 8)}`;
const secretsSet =
  process.env.DEPLOY_CHECK_REMOTE === "1"
    ? (JSON.parse(wrangler(["secret", "list", "--env", recorded.environment, "--format", "json"])) as { name: string }[]).map((s) => s.name)
    : null;

const pageCsp = /^\/\*\n(?:.*\n)*?\s+Content-Security-Policy: (.*)$/m.exec(readFileSync("static-assets/_headers", "utf8"))?.[1] ?? "";

const findings = checkRelease({ environments, recorded, secretsRead, workerdDate, secretsSet, pageCsp });
for (const f of findings) console.log(`${f.level === "error" ? "ERROR" : "warning"} [${f.check}] ${f.message}`);
const errors = findings.filter((f) => f.level === "error").length;
const production = environments.find((e) => e.env === recorded.environment)?.config;
const deploys = environments.map((e) => `${e.env || "top level"} → ${e.config.name ?? "?"}`).join(", ");
console.log(
  `deploy:check: ${errors} error(s), ${findings.length - errors} warning(s); environments ${deploys}; shards ${String(production?.vars.SHARD_COUNT)}, migrations ${production?.migrations.map((m) => m.tag).join(", ")}${secretsSet ? "" : "; secrets on the worker not asked (DEPLOY_CHECK_REMOTE=1 asks)"}`,
);
process.exitCode = errors ? 1 : 0;
