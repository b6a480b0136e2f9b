/**
 * A small keep-alive JSON client over node:http: thousands of viewers share a bounded pool
 * of sockets, so one Node process drives them without opening a connection per request.
 * Network errors and timeouts come back as status 0, never as a throw.
 */
import { Agent, request } from "node:http";

export interface Reply<T = unknown> {
  status: number;
  body: T | null;
  /** `Retry-After` in milliseconds (0 when absent). */
  retryAfterMs: number;
}

export class JsonClient {
  readonly #agent: Agent;
  readonly #host: string;
  readonly #port: number;

  constructor(baseUrl: string, maxSockets: number) {
    const url = new URL(baseUrl);
    this.#host = url.hostname;
    this.#port = Number(url.port);
    this.#agent = new Agent({ keepAlive: true, maxSockets });
  }

  call<T>(
    method: string,
    path: string,
    token: string | null,
    body?: unknown,
    timeoutMs = 10_000,
    extraHeaders: Record<string, string> = {},
  ): Promise<Reply<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { "content-type": "application/json", ...extraHeaders };
    if (token) headers.authorization = `Bearer ${token}`;
    if (payload !== undefined) headers["content-length"] = String(Buffer.byteLength(payload));
    return new Promise((resolve) => {
      const req = request({ host: this.#host, port: this.#port, method, path, headers, agent: this.#agent, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          let parsed: T | null = null;
          try {
            parsed = JSON.parse(Buffer.concat(chunks).toString("utf8")) as T;
          } catch {
            // Not JSON: the status tells the caller what happened.
          }
          const retryAfter = Number(res.headers["retry-after"]);
          resolve({ status: res.statusCode ?? 0, body: parsed, retryAfterMs: Number.isFinite(retryAfter) ? retryAfter * 1000 : 0 });
        });
        res.on("error", () => resolve({ status: 0, body: null, retryAfterMs: 0 }));
      });
      req.on("timeout", () => req.destroy(new Error("timeout")));
      req.on("error", () => resolve({ status: 0, body: null, retryAfterMs: 0 }));
      req.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}
