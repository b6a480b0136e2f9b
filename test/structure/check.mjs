// Structure checks run by `npm test` (plain Node, no workerd): no import cycle among the
// project's TypeScript modules (type-only imports included), no file over 400 lines outside
// generated ones, at most 8 plain files at the top of src/, the PWA and load scripts import
// only the public wire contract, and the pinned miniflare matches the one wrangler bundles.
import { readFileSync, readdirSync, statSync, existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";

const root = resolve(dirname(new URL(import.meta.url).pathname), "../..");
const SOURCE_DIRS = ["src", "durable-objects", "load", "static-assets", "test"];
const GENERATED = new Set(["worker-configuration.d.ts", "test/contract/gala-api.ts"]);
const MAX_LINES = 400;
/** Benchmark workers under load/ that run inside workerd beside the objects (not clients). */
const WORKER_CODE_IN_LOAD = ["load/bench/ledger-stores/"];
const problems = [];

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (name === "node_modules" || name.startsWith(".")) return [];
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

const files = SOURCE_DIRS.flatMap((d) => walk(join(root, d))).filter((f) => /\.(ts|mjs|js)$/.test(f));
const IMPORT = /(?:import|export)\s[^;]*?from\s+"(\.{1,2}\/[^"]+)"|import\("(\.{1,2}\/[^"]+)"\)|import\s+"(\.{1,2}\/[^"]+)"/g;

function resolveImport(from, spec) {
  const base = resolve(dirname(from), spec);
  for (const candidate of [base, `${base}.ts`, `${base}.mjs`, `${base}.js`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return null;
}

const graph = new Map();
for (const file of files) {
  const text = readFileSync(file, "utf8");
  const lines = text.split("\n").length;
  if (lines > MAX_LINES && !GENERATED.has(relative(root, file)))
    problems.push(`${relative(root, file)}: ${lines} lines (max ${MAX_LINES})`);
  const deps = new Set();
  for (const m of text.matchAll(IMPORT)) {
    const target = resolveImport(file, m[1] ?? m[2] ?? m[3]);
    if (target) deps.add(target);
  }
  graph.set(file, deps);
}

// Cycles: depth-first search with colours; report each back edge's cycle once.
const state = new Map();
const stack = [];
function visit(node) {
  state.set(node, "open");
  stack.push(node);
  for (const dep of graph.get(node) ?? []) {
    if (state.get(dep) === "open") {
      const cycle = stack
        .slice(stack.indexOf(dep))
        .concat(dep)
        .map((f) => relative(root, f));
      problems.push(`import cycle: ${cycle.join(" -> ")}`);
    } else if (!state.has(dep)) visit(dep);
  }
  stack.pop();
  state.set(node, "done");
}
for (const file of graph.keys()) if (!state.has(file)) visit(file);

const topLevel = readdirSync(join(root, "src")).filter((n) => statSync(join(root, "src", n)).isFile());
if (topLevel.length > 8) problems.push(`src/ has ${topLevel.length} plain files at its top level (max 8): ${topLevel.join(", ")}`);

for (const file of files) {
  const rel = relative(root, file);
  if (!rel.startsWith("static-assets/") && !rel.startsWith("load/")) continue;
  if (WORKER_CODE_IN_LOAD.some((dir) => rel.startsWith(dir))) continue;
  for (const dep of graph.get(file)) {
    const target = relative(root, dep);
    if (target.startsWith("src/wire/") && target !== "src/wire/index.ts")
      problems.push(`${rel} imports ${target}: clients import only src/wire/index.ts`);
  }
}

const require = createRequire(join(root, "package.json"));
const pinned = JSON.parse(readFileSync(join(root, "node_modules/miniflare/package.json"), "utf8")).version;
const wranglerMiniflare = JSON.parse(
  readFileSync(createRequire(require.resolve("wrangler/package.json")).resolve("miniflare/package.json"), "utf8"),
).version;
if (pinned !== wranglerMiniflare)
  problems.push(`miniflare ${pinned} differs from the ${wranglerMiniflare} that wrangler bundles: pin the same version`);

if (problems.length) {
  console.error(`structure check failed:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(
  `structure check: ${files.length} files, no import cycle, none over ${MAX_LINES} lines, src/ top level ${topLevel.length} files, miniflare ${pinned}`,
);
