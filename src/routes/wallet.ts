/**
 * `GET /api/wallet`: the session user's settled balance, with settled and pending entries.
 * Rate-limited like every viewer call; the read of the user's shard is admitted like a candidate's.
 */
import { Hono } from "hono";
import type { UserVars } from "../auth/middleware";
import { requireUser } from "../auth/middleware";
import { walletView } from "../domain/settlement";
import { ApiError, unavailable } from "../errors";
import { viewerRateLimit } from "../edge/rate-limits";
import { admittedShardCall } from "../edge/shard-claim";
import { walletRows } from "../money/wallet-ledger";
import { userShard } from "../objects";

export const walletRoutes = new Hono<{ Bindings: Env; Variables: UserVars }>().get("/", requireUser, viewerRateLimit, async (c) => {
  const userId = c.get("userId");
  // The claims first, then the ledger asked about exactly those: a claim settling in between is settled in the view.
  const { ledger, claims } = await (async () => {
    const claims = await admittedShardCall(c.env, userShard(c.env, userId), (stub) => stub.userClaims(userId));
    const ledger = await walletRows(
      c.env,
      userId,
      claims.map((claim) => claim.claimId),
    );
    return { ledger, claims };
  })().catch((err) => {
    if (err instanceof ApiError) throw err;
    console.warn("wallet read failed", String(err));
    throw unavailable("the wallet is unavailable right now; retry shortly", 2);
  });
  c.header("Cache-Control", "no-store");
  return c.json(walletView(userId, ledger, claims));
});
