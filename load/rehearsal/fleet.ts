/**
 * The viewer process: runs every synthetic viewer of a rehearsal on one event loop, apart
 * from the process that runs the servers and samples them. Started by the rehearsal with a
 * FleetSpec as its one argument; sends a FleetSecond every second over the IPC channel. On
 * a `stop` message the viewers stop shaking, the wallet watches still under way finish
 * (each is bounded by walletWatchMs), the last second is sent with `done`, and it exits.
 */
import { JsonClient } from "./http.ts";
import { emptySecond, type FleetSecond } from "./tally.ts";
import { Viewer, type ViewerWorld } from "./viewer.ts";

export interface FleetSpec {
  baseUrl: string;
  viewers: number;
  /** Sessions are made over this many ms, as phones arrive. */
  rampMs: number;
  maxSockets: number;
  splitPools: string[];
  shareRate: number;
  friendsPerGroup: number;
  walletWatchMs: number;
}

export type FleetMessage = { kind: "second"; second: FleetSecond; done: boolean };

const spec = JSON.parse(process.argv[2] ?? "{}") as FleetSpec;
const http = new JsonClient(spec.baseUrl, spec.maxSockets);
const viewers: Viewer[] = [];
const pending = new Set<Promise<void>>();
let current = emptySecond();

const world: ViewerWorld = {
  http,
  tally: () => current,
  splitPools: new Set(spec.splitPools),
  shareRate: spec.shareRate,
  friendsPerGroup: spec.friendsPerGroup,
  walletWatchMs: spec.walletWatchMs,
  friend() {
    for (let tries = 0; tries < 5; tries++) {
      const v = viewers[Math.floor(Math.random() * viewers.length)];
      if (v?.ready) return v;
    }
    return null;
  },
  track(work) {
    pending.add(work);
    void work.finally(() => pending.delete(work));
  },
};

function flush(done: boolean): void {
  const second = current;
  current = emptySecond();
  second.at = Date.now();
  second.viewers = viewers.reduce((n, v) => n + (v.ready ? 1 : 0), 0);
  process.send?.({ kind: "second", second, done } satisfies FleetMessage);
}

const ticker = setInterval(() => flush(false), 1_000);

for (let i = 0; i < spec.viewers; i++) {
  const viewer = new Viewer(world, `rehearsal-${process.pid}-${i}`);
  viewers.push(viewer);
  setTimeout(() => void viewer.start(), (i / spec.viewers) * spec.rampMs);
}

process.on("message", async (message: { kind: string }) => {
  if (message.kind !== "stop") return;
  for (const v of viewers) v.stop();
  while (pending.size > 0) await Promise.race(pending);
  clearInterval(ticker);
  flush(true);
  http.close();
  process.disconnect?.();
});
process.on("disconnect", () => process.exit(0));
