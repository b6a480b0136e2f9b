/**
 * A client no one here wrote: openapi-fetch typed by the types openapi-typescript generated
 * from the OpenAPI document (test/contract/gala-api.ts, kept current by
 * test/contract/openapi-tools.node.ts) runs a viewer's whole flow against the real worker:
 * session, shake, open, wallet, sharing the envelope and a friend's grab. It type-checks with
 * `npm run typecheck`; a path, parameter or field the document names wrongly breaks one or the other.
 */
import { exports } from "cloudflare:workers";
import createClient from "openapi-fetch";
import { describe, expect, it } from "vitest";
import type { paths } from "../contract/gala-api";
import { ADMIN_SECRET, ORIGIN } from "../support/api";

const client = (token?: string) =>
  createClient<paths>({
    baseUrl: ORIGIN,
    fetch: (request) => exports.default.fetch(request),
    // A browser on the console's page sends its origin with every change (admin changes need it).
    headers: { Origin: ORIGIN, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  });

async function viewer(deviceId: string) {
  const { data, response } = await client().POST("/api/session", { body: { deviceId } });
  expect(response.status).toBe(201);
  if (!data) throw new Error("no session");
  return { ...data, api: client(data.token) };
}

describe("a client generated from the OpenAPI document", () => {
  it("runs a viewer's whole flow: session, shake, open, wallet, share and a friend's grab", async () => {
    const operator = client(ADMIN_SECRET);
    const tag = crypto.randomUUID().slice(0, 8);
    const phaseId = `gen-${tag}`;
    const now = Date.now();
    const stored = await operator.GET("/api/admin/timeline");
    const written = await operator.PUT("/api/admin/timeline", {
      body: {
        expectedVersion: stored.data?.timeline?.version ?? 0,
        timeline: {
          galaId: `gen-gala-${tag}`,
          sponsors: [{ id: "gen-sponsor", name: "Generated & Co", assetId: "sponsor-aurora" }],
          phases: [
            {
              id: phaseId,
              title: "Generated lottery",
              kind: "lottery",
              startsAt: now - 1_000,
              endsAt: now + 3_600_000,
              sponsorIds: ["gen-sponsor"],
              greetingAssetId: "greeting-opening",
              candidateRate: 1,
            },
          ],
        },
      },
    });
    expect(written.response.status).toBe(200);
    const pool = await operator.POST("/api/admin/pools", {
      body: { phaseId, sponsorId: "gen-sponsor", budgetCents: 3_200, count: 16, splitAmountCents: 400, splitCount: 2 },
    });
    expect(pool.response.status).toBe(201);

    const winner = await viewer(`gen-winner-${tag}`);
    const shake = await winner.api.POST("/api/shake/{requestId}", { params: { path: { requestId: `gen-shake-${tag}` } } });
    expect(shake.data?.kind).toBe("envelope");
    if (shake.data?.kind !== "envelope") return;
    const { claimId, amountCents } = shake.data.envelope;
    expect(shake.data.holdings).toEqual(expect.any(String));

    const refused = await winner.api.POST("/api/shake/{requestId}", { params: { path: { requestId: "x".repeat(65) } } });
    expect(refused.response.status).toBe(400);
    expect(refused.error?.error.code).toBe("invalid_request");

    const opened = await winner.api.POST("/api/envelopes/{claimId}/open", { params: { path: { claimId } }, body: {} });
    expect(opened.data?.envelope).toMatchObject({ claimId, amountCents });

    const wallet = await winner.api.GET("/api/wallet");
    expect(wallet.response.headers.get("Cache-Control")).toBe("no-store");
    expect(wallet.data?.entries.find((e) => e.claimId === claimId)?.amountCents).toBe(amountCents);

    const shared = await winner.api.POST("/api/groups", { body: { fromClaimId: claimId } });
    expect(shared.response.status).toBe(201);
    const groupId = shared.data?.id ?? "";
    expect(shared.data?.shareUrl).toBe(`/g/${groupId}`);

    const friend = await viewer(`gen-friend-${tag}`);
    const grab = await friend.api.POST("/api/groups/{id}/grab", {
      params: { path: { id: groupId } },
      body: { requestId: `gen-grab-${tag}` },
    });
    expect(grab.data?.status).toBe("grabbed");
    const seen = await friend.api.GET("/api/groups/{id}", { params: { path: { id: groupId } } });
    expect(seen.data?.grabs).toEqual([expect.objectContaining({ you: true, sender: false })]);
    expect(seen.data?.grabbedCents).toBe(grab.data?.status === "grabbed" ? grab.data.amountCents : -1);
  });
});
