/** The JSON log lines the worker wrote, read from console spies. */
import type { MockInstance } from "vitest";

export type Line = Record<string, unknown> & { type: string; event: string };

/** The JSON lines among the calls of console spies, optionally of one `type`. */
export function jsonLines(spies: readonly MockInstance[], type?: string): Line[] {
  return spies
    .flatMap((spy) => spy.mock.calls)
    .flatMap(([first]) => {
      if (typeof first !== "string" || !first.startsWith("{")) return [];
      const line = JSON.parse(first) as Line;
      return type === undefined || line.type === type ? [line] : [];
    });
}
