/** The Hono app: routes mounted under /api, every error mapped once to the JSON error shape. */
import { Hono } from "hono";
import { errorBody, onError } from "./errors";
import { apiGuards } from "./guards";
import { adminRoutes } from "./routes/admin";
import { publicRoutes } from "./routes/public";
import { sessionRoutes } from "./routes/session";
import { shakeRoutes } from "./routes/shake";

export const app = new Hono<{ Bindings: Env }>()
  .use("/api/*", ...apiGuards)
  .route("/api/session", sessionRoutes)
  .route("/api/shake", shakeRoutes)
  .route("/api/admin", adminRoutes)
  .route("/api", publicRoutes)
  .notFound((c) => c.json(errorBody("not_found", `no route for ${c.req.method} ${c.req.path.slice(0, 100)}`), 404))
  .onError(onError);
