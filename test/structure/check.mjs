// Structure checks run by `npm test` (plain Node, no workerd): no import cycle among the
// project's TypeScript modules (type-only imports included), no file over 400 lines outside
// generated ones, at most 8 plain files at the top of src/, the PWA and load scripts import
// only the public wire contract, src/edge/ imports no show, money or route module, every SQL
// table is written by its owner alone (below), and the pinned miniflare and runtime types
// match the workerd wrangler bundles.
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

// The hot path stays on the hot path: src/edge/ reads the show and the money path only
// through objects, never by importing src/show/, src/money/ or src/routes/ (a cache read
// that seeded the demo show once pulled the show's pool creation into it).
for (const file of files) {
  const rel = relative(root, file);
  if (!rel.startsWith("src/edge/")) continue;
  for (const dep of graph.get(file)) {
    const target = relative(root, dep);
    if (/^src\/(show|money|routes)\//.test(target))
      problems.push(`${rel} imports ${target}: the hot path imports no show, money or route module`);
  }
}

// Table ownership: each table has one module that writes it (INSERT, UPDATE, DELETE, REPLACE,
// ALTER). A Durable Object's tables live in its own SQLite database: a folder (or a single
// file) under durable-objects/ is one database, and the module holding a table's
// `CREATE TABLE` owns it. The D1 database's tables are created by migrations/; src/ writes
// them, each from one module. Comments are left out, string contents are read.
const WRITE =
  /\b(?:INSERT\s+(?:OR\s+(?:IGNORE|REPLACE|ABORT|FAIL|ROLLBACK)\s+)?INTO|REPLACE\s+INTO|DELETE\s+FROM|ALTER\s+TABLE)\s+(\w+)|\bUPDATE\s+(\w+)\s+SET\b/g;
const CREATE = /\bCREATE\s+TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)/g;

/** The text without its JavaScript comments (strings kept). */
function withoutComments(text) {
  let out = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'" || c === "`") {
      let j = i + 1;
      while (j < text.length && text[j] !== c) j += text[j] === "\\" ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === "/" && text[i + 1] === "/") {
      while (i < text.length && text[i] !== "\n") i++;
      out += "\n";
    } else if (c === "/" && text[i + 1] === "*") {
      i = text.indexOf("*/", i + 2) + 1;
      if (i === 0) break;
    } else out += c;
  }
  return out;
}

/** The database a module's SQL runs against: its object's folder or file, or D1 for the worker. */
function databaseOf(rel) {
  if (rel.startsWith("src/")) return "D1";
  const [top, entry] = rel.split("/");
  return top === "durable-objects" ? `${top}/${entry.replace(/\.ts$/, "")}` : null;
}

const owners = new Map();
const writers = new Map();
for (const file of files) {
  const rel = relative(root, file);
  const database = databaseOf(rel);
  if (!database || !rel.endsWith(".ts")) continue;
  const sql = withoutComments(readFileSync(file, "utf8"));
  for (const m of sql.matchAll(CREATE)) owners.set(`${database}:${m[1]}`, rel);
  for (const m of sql.matchAll(WRITE)) {
    const key = `${database}:${m[1] ?? m[2]}`;
    writers.set(key, new Set([...(writers.get(key) ?? []), rel]));
  }
}
for (const [key, modules] of writers) {
  const owner = owners.get(key);
  const table = key.slice(key.indexOf(":") + 1);
  for (const module of modules) {
    if (owner && module !== owner) problems.push(`${module} writes table ${table}, which ${owner} owns (it creates it)`);
  }
  if (!owner && modules.size > 1)
    problems.push(`table ${table} (${key.split(":")[0]}) is written by ${[...modules].join(" and ")}: one module owns it`);
}

const require = createRequire(join(root, "package.json"));
const pinned = JSON.parse(readFileSync(join(root, "node_modules/miniflare/package.json"), "utf8")).version;
const wranglerMiniflare = JSON.parse(
  readFileSync(createRequire(require.resolve("wrangler/package.json")).resolve("miniflare/package.json"), "utf8"),
).version;
if (pinned !== wranglerMiniflare)
  problems.push(`miniflare ${pinned} differs from the ${wranglerMiniflare} that wrangler bundles: pin the same version`);

// The runtime types come from @cloudflare/workers-types of the workerd release wrangler
// bundles (the same release date), whose runtime the compatibility date must not pass.
const typesVersion = JSON.parse(readFileSync(join(root, "node_modules/@cloudflare/workers-types/package.json"), "utf8")).version;
const workerd = JSON.parse(
  readFileSync(createRequire(require.resolve("wrangler/package.json")).resolve("workerd/package.json"), "utf8"),
).version;
const release = (version) => version.split(".").slice(1).join(".");
if (release(typesVersion) !== release(workerd))
  problems.push(
    `@cloudflare/workers-types ${typesVersion} is not the release of workerd ${workerd} that wrangler bundles: pin 5.${release(workerd)}`,
  );
const compatibilityDate = /^compatibility_date\s*=\s*"([\d-]+)"/m.exec(readFileSync(join(root, "wrangler.toml"), "utf8"))?.[1] ?? "";
const releaseDate = release(workerd).replace(/^(\d{4})(\d{2})(\d{2}).*$/, "$1-$2-$3");
if (!(compatibilityDate <= releaseDate))
  problems.push(`compatibility_date ${compatibilityDate} is past the ${releaseDate} release of the bundled workerd and its runtime types`);

if (problems.length) {
  console.error(`structure check failed:\n- ${problems.join("\n- ")}`);
  process.exit(1);
}
console.log(
  `structure check: ${files.length} files, no import cycle, none over ${MAX_LINES} lines, src/ top level ${topLevel.length} files, ${writers.size} tables each written by its owner, miniflare ${pinned}, workers-types ${typesVersion}`,
);
