/**
 * Request ids (X-Request-ID honoured or generated, always returned) and the access log line.
 */
import { randomUUID } from "node:crypto";
import type { MiddlewareHandler } from "hono";
import type { Logger } from "../lib/logger.js";
import type { AppEnv } from "./types.js";

// A caller's id is kept only when it is short and plain, so it cannot inject into logs.
const ACCEPTABLE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function requestId(): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const given = c.req.header("x-request-id");
    const id = given && ACCEPTABLE_ID.test(given) ? given : randomUUID();
    c.set("requestId", id);
    c.header("X-Request-ID", id);
    await next();
    c.header("X-Request-ID", id);
  };
}

/** One JSON line per request: id, method, path, status, duration. */
export function accessLog(logger: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    await next();
    logger.info(
      {
        requestId: c.var.requestId,
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
      },
      "request",
    );
  };
}
