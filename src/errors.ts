/**
 * API errors: routes throw `ApiError`; `onError` maps every error to the one JSON shape
 * `{ error: { code, message } }`. Unexpected errors become a generic 500 without details,
 * never a stack trace.
 */
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import type { ApiErrorBody } from "./wire/index";

export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = "bad_request") => new ApiError(400, code, message);
export const notFound = (message: string) => new ApiError(404, "not_found", message);
export const conflict = (message: string) => new ApiError(409, "conflict", message);
export const unavailable = (message: string, retryAfterSeconds = 1) =>
  new ApiError(503, "unavailable", message, { "Retry-After": String(retryAfterSeconds) });

export function errorBody(code: string, message: string): ApiErrorBody {
  return { error: { code, message } };
}

export function onError(err: Error, c: Context): Response {
  if (err instanceof ApiError) {
    return c.json(errorBody(err.code, err.message), err.status, err.headers);
  }
  if (err instanceof HTTPException) {
    const status = err.status as ContentfulStatusCode;
    return c.json(errorBody(status === 413 ? "too_large" : "bad_request", err.message || "bad request"), status);
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal", "internal error"), 500);
}
