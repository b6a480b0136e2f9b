/** JSON over HTTP with a bearer token, as the bench's preparation and admin client call the app. */

/**
 * Sends `body` (when given) as JSON with `token` as bearer, and any further `headers`.
 * Answers the status, whether it was 2xx, the raw text and the parsed body (null when the
 * body is not JSON).
 */
export async function callJson(baseUrl, method, path, token, body, timeoutMs = 30_000, headers = {}) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(timeoutMs),
  });
  const text = await res.text();
  let parsed = null;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Not JSON: the caller sees the status and the text.
  }
  return { status: res.status, ok: res.ok, text, body: parsed };
}
