/**
 * What the deployment answers for paths outside the API, through workerd's real asset
 * router as `wrangler dev` runs it (Workers static assets, then the worker): `robots.txt` is served, a browser
 * navigating to a group share link /g/<id> gets the viewer shell, and any other unknown path
 * (a missing script, image or file) is a 404, never the viewer's HTML.
 */
import { request } from "node:http";
import { describe, expect, it } from "vitest";
import { baseUrl } from "./support/browser";

interface Answer {
  status: number;
  type: string;
  body: string;
}

/** A GET with exactly these headers (Node's fetch would add `Sec-Fetch-Mode: cors` to every request). */
function get(path: string, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl()}${path}`, { headers }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"] ?? ""), body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("paths outside the API", () => {
  it("serves robots.txt as text", async () => {
    const res = await get("/robots.txt");
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/plain/);
    expect(res.body).toMatch(/^User-agent: \*$/m);
  });

  it("answers an unknown path 404 unless a browser navigates to it, and a share link gets the viewer shell", async () => {
    for (const path of ["/nope.js", "/icons/missing.png", "/.well-known/security.txt", "/g/g_0123/extra.css"]) {
      const res = await get(path, { "Sec-Fetch-Mode": "no-cors" });
      expect(res.status, path).toBe(404);
      expect(res.body).not.toContain("<html");
      expect((await get(path)).status, `${path} without fetch metadata`).toBe(404);
    }
    const shareLink = `/g/g_${"0".repeat(32)}`;
    const navigations: Record<string, string>[] = [
      { "Sec-Fetch-Mode": "navigate", Accept: "text/html" },
      { Accept: "text/html,application/xhtml+xml" },
    ];
    for (const headers of navigations) {
      const res = await get(shareLink, headers);
      expect(res.status).toBe(200);
      expect(res.type).toMatch(/^text\/html/);
      expect(res.body).toContain('<link rel="manifest" href="/manifest.webmanifest" />');
    }
  });
});
