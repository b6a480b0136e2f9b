/** The one-line progress of a running rehearsal: where the show is and how it is going. */
import type { BacklogSample, PoolSample, StatsSample } from "./samples.ts";
import type { FleetSecond } from "./tally.ts";

const n = (x: number) => Math.round(x).toLocaleString("en-US");

export function progressLine(
  showStart: number,
  showEnd: number,
  fleet?: FleetSecond,
  stats?: StatsSample,
  pools?: PoolSample,
  backlog?: BacklogSample,
): string {
  const now = Date.now();
  const t = Math.round((now - showStart) / 1000);
  const phase = stats?.phases.find((p) => p.startsAt <= now && now < p.endsAt)?.title ?? (now < showStart ? "before the show" : "rest");
  const shakes = fleet ? Object.values(fleet.kinds).reduce((a, b) => a + b, 0) : 0;
  const answered = fleet?.levels.reduce((a, b) => a + b, 0) ?? 0;
  const level = answered ? fleet!.levels.reduce((sum, c, l) => sum + c * l, 0) / answered : 0;
  const issued = pools?.pools.reduce((a, p) => a + p.claimedCount, 0) ?? 0;
  const pending = backlog?.pending ?? 0;
  return [
    `t=${t >= 0 ? "+" : ""}${t}s/${Math.round((showEnd - showStart) / 1000)}s`,
    phase.padEnd(18),
    `${n(shakes)} shakes/s`,
    `throttle ${level.toFixed(1)}`,
    `${n(issued)} envelopes issued`,
    `${n(pending)} pending settlement`,
    `${n(fleet?.viewers ?? 0)} viewers`,
  ].join("  ");
}
