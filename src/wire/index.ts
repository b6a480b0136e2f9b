/**
 * The public contract: what the PWA, the operator console and the load scripts may import.
 * Internal object RPC and queue messages live in `./rpc` and are not re-exported here.
 */
export type * from "./api";

export type * from "./groups";

export type * from "./admin";

export type * from "./statement";

export type * from "./live-show";
