/**
 * The Hono app: routes mounted under /api, every error mapped once to the JSON error shape;
 * any other path no asset matched gets the viewer shell when a browser navigates to it, else 404.
 */
import { Hono } from "hono";
import { errorBody, onError } from "./errors";
import { apiGuards } from "./edge/guards";
import { adminRoutes } from "./routes/admin";
import { adminLogRoutes, recordAdminChanges } from "./routes/admin-log";
import { DEV_IDP_PATH, devIdpRoutes } from "./routes/dev-idp";
import { DEV_LIVE_PATH, devLiveRoutes } from "./routes/dev-live";
import { groupRoutes } from "./routes/groups";
import { envelopeRoutes } from "./routes/envelopes";
import { estimateRoutes } from "./routes/estimate";
import { liveShowRoutes } from "./routes/live-show";
import { publicRoutes } from "./routes/public";
import { repairRoutes } from "./routes/repair";
import { sessionRoutes } from "./routes/session";
import { settlementAdminRoutes } from "./routes/settlement-admin";
import { shakeRoutes } from "./routes/shake";
import { unknownPath } from "./routes/shell";
import { walletRoutes } from "./routes/wallet";
import { alertRoutes, openApiRoutes } from "./routes/operations";
import { adminChangeLog } from "./ops/admin-change-lines";

export const app = new Hono<{ Bindings: Env }>()
  .use("/api/*", ...apiGuards)
  .use("/api/admin/*", adminChangeLog, recordAdminChanges)
  .route("/api/session", sessionRoutes)
  .route("/api/shake", shakeRoutes)
  .route("/api/envelopes", envelopeRoutes)
  .route("/api/wallet", walletRoutes)
  .route("/api/admin/settlements", settlementAdminRoutes)
  .route("/api/admin/log", adminLogRoutes)
  .route("/api/admin/repair", repairRoutes)
  .route("/api/admin", adminRoutes)
  .route("/api/admin", liveShowRoutes)
  .route("/api/admin", alertRoutes)
  .route("/api/admin", estimateRoutes)
  .route("/api/groups", groupRoutes)
  .route(DEV_IDP_PATH, devIdpRoutes)
  .route(DEV_LIVE_PATH, devLiveRoutes)
  .route("/api", publicRoutes)
  .route("/api", openApiRoutes)
  .notFound((c) =>
    /^\/api(\/|$)/.test(c.req.path)
      ? c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path.slice(0, 100)}`), 404)
      : unknownPath(c),
  )
  .onError(onError);
