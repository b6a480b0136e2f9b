// ESLint: typescript-eslint's type-checked rules for the promise bugs a Worker pays for. A
// promise nobody awaits or hands to waitUntil is cut off when the answer goes out; a promise
// passed where a boolean or a void callback is expected never does what it reads as; an
// await of something that is not a promise, or an async function that awaits nothing, hides
// a missing call. It covers the code that runs in workerd (the root tsconfig: the worker, the
// objects, their tests); the PWA and the Node scripts are type-checked by tsc. Formatting is
// Prettier's (npm run format:check).
import tseslint from "typescript-eslint";

const WORKER_CODE = ["src/**/*.ts", "durable-objects/**/*.ts", "load/bench/ledger-stores/**/*.ts"];

export default tseslint.config(
  {
    files: [...WORKER_CODE, "test/**/*.ts", "vitest.config.ts"],
    ignores: ["test/browser/**", "test/client/**", "test/rehearsal/**"],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    plugins: { "@typescript-eslint": tseslint.plugin },
    linterOptions: { reportUnusedDisableDirectives: "error" },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": "error",
      "@typescript-eslint/await-thenable": "error",
    },
  },
  {
    // Tests pass async callbacks where a promise is asked for; in the worker an async
    // function without an await is a call that lost its await.
    files: WORKER_CODE,
    rules: { "@typescript-eslint/require-await": "error" },
  },
);
