/** The Hono app: routes mounted under /api, every error mapped once to the JSON error shape. */
import { Hono } from "hono";
import { errorBody, onError } from "./errors";
import { adminRoutes } from "./routes/admin";
import { liveShowRoutes } from "./routes/live-show";
import { publicRoutes } from "./routes/public";
import { sessionRoutes } from "./routes/session";
import { shakeRoutes } from "./routes/shake";

export const app = new Hono<{ Bindings: Env }>()
  .route("/api/session", sessionRoutes)
  .route("/api/shake", shakeRoutes)
  .route("/api/admin", adminRoutes)
  .route("/api/admin", liveShowRoutes)
  .route("/api", publicRoutes)
  .notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path}`), 404))
  .onError(onError);
