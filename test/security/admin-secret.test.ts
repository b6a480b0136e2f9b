/**
 * The break-glass admin secret is compared in constant time (docs/identity.md): whatever its
 * length or content, a presented secret is compared with the configured one only through the
 * runtime's constant-time primitive (`crypto.subtle.timingSafeEqual`), over the two secrets'
 * SHA-256 digests (always 32 bytes each), and its answer alone decides. What this shows is the
 * code path; the primitive's own timing is the runtime's promise, not measured here.
 */
import { exports } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ADMIN_SECRET, ORIGIN } from "../support/api";

const sha256 = async (text: string) => new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)));
const bytes = (b: ArrayBuffer | ArrayBufferView) =>
  new Uint8Array(ArrayBuffer.isView(b) ? b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) : b);

async function adminGet(secret: string): Promise<Response> {
  return exports.default.fetch(
    new Request(`${ORIGIN}/api/admin/pools`, {
      headers: { Authorization: `Bearer ${secret}`, "CF-Connecting-IP": `203.0.113.${Math.floor(Math.random() * 250)}` },
    }),
  );
}

describe("admin secret comparison", () => {
  afterEach(() => vi.restoreAllMocks());

  it("compares every presented secret, short, one character off or longer, only as two SHA-256 digests through timingSafeEqual", async () => {
    const compare = vi.spyOn(crypto.subtle, "timingSafeEqual");
    const expected = await sha256(ADMIN_SECRET);
    for (const presented of ["x", `${ADMIN_SECRET.slice(0, -1)}!`, `${ADMIN_SECRET}-and-more`, ADMIN_SECRET]) {
      compare.mockClear();
      const res = await adminGet(presented);
      expect(res.status).toBe(presented === ADMIN_SECRET ? 200 : 401);
      expect(compare).toHaveBeenCalledTimes(1);
      const [a, b] = compare.mock.calls[0];
      expect([bytes(a), bytes(b)]).toEqual([await sha256(presented), expected]);
    }
  });

  it("lets the primitive's answer alone decide: the right secret is refused when it says the digests differ", async () => {
    vi.spyOn(crypto.subtle, "timingSafeEqual").mockReturnValue(false);
    expect((await adminGet(ADMIN_SECRET)).status).toBe(401);
  });
});
