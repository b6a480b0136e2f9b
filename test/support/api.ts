/** The API client (api-client.ts) over the worker's real fetch handler, as a client would call it. */
import { exports } from "cloudflare:workers";
import { apiClient } from "./api-client";

export const ADMIN_SECRET = "test-only-admin-secret-at-least-32-chars";

/** The origin the tests call the worker at: a browser sends it with every change (admin changes need it). */
export const ORIGIN = "http://gala.test";

export const { call, json, admin, getTimeline, putTimeline, putShow, createPool, session, wallet, audit, verify } = apiClient(
  (path, init) => exports.default.fetch(new Request(`${ORIGIN}${path}`, init)),
  ADMIN_SECRET,
  () => ORIGIN,
);
