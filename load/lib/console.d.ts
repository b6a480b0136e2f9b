/** k6 (and Node, for the capacity simulation) provide `console`; @types/k6 does not declare it. */
declare const console: {
  log(...values: unknown[]): void;
  warn(...values: unknown[]): void;
  error(...values: unknown[]): void;
};
