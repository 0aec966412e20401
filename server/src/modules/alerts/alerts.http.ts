/**
 * POST /api/v1/ingest/alerts: SIEM/EDR forwarders push alerts with an organization-bound API
 * key holding alerts:ingest. The body is one alert, an array, or NDJSON; its size is capped by
 * ALERT_INGEST_MAX_BYTES (instead of BODY_LIMIT_BYTES) and its alert count by
 * ALERT_INGEST_MAX_ALERTS, each a 413; requests are rate-limited per key.
 */
import { Hono, type Context as HonoContext } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Context, Deps } from "../../context.js";
import { sendError } from "../../http/error-body.js";
import { guard, orgContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { AppError } from "../../lib/app-error.js";
import { RateLimitedError } from "../../lib/rate-limits.js";
import { ALERT_FORMATS, type AlertFormat } from "./alert-formats.js";
import { ingestAlerts } from "./alert-ingest.service.js";

/** The path of the ingestion route, relative to /api/v1 (app.ts exempts it from the global body limit). */
export const ALERT_INGEST_PATH = "/ingest/alerts";

/** The alerts in a body: NDJSON (one per line), a JSON array, or one JSON object. */
export function alertsOfBody(text: string, contentType: string): unknown[] {
  const ndjson = /application\/(x-)?ndjson|application\/jsonl/i.test(contentType);
  if (ndjson) {
    return text
      .split("\n")
      .map((line, i) => [line.trim(), i] as const)
      .filter(([line]) => line !== "")
      .map(([line, i]) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          throw new AppError("BAD_REQUEST", `Line ${i + 1} is not JSON`, "body");
        }
      });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The body is not JSON (send application/json or application/x-ndjson)", "body");
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

function formatOf(c: HonoContext<AppEnv>): AlertFormat | undefined {
  const format = c.req.query("format");
  if (format === undefined || format === "") return undefined;
  if (!(ALERT_FORMATS as readonly string[]).includes(format)) {
    throw new AppError("VALIDATION", `format must be one of ${ALERT_FORMATS.join(", ")}`, "format");
  }
  return format as AlertFormat;
}

export function alertRoutes(deps: Deps, contextOf: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const { maxBytes, maxAlerts } = deps.config.alerts;

  app.post(
    ALERT_INGEST_PATH,
    guard({ kind: "organization", name: "alerts.ingest", scope: "alerts:ingest" }, contextOf),
    bodyLimit({
      maxSize: maxBytes,
      onError: (c) =>
        sendError(c, new AppError("PAYLOAD_TOO_LARGE", `Alert bodies may be at most ${maxBytes} bytes`, "body")),
    }),
    async (c) => {
      const ctx = orgContext(c);
      await ctx.limits.consume("alertIngestPerKey", ctx.user.sessionId, "alert pushes").catch((error: unknown) => {
        if (error instanceof RateLimitedError) ctx.responseHeaders.set("Retry-After", String(error.retryAfterSeconds));
        throw error;
      });
      const format = formatOf(c);
      const alerts = alertsOfBody(await c.req.text(), c.req.header("content-type") ?? "");
      if (alerts.length > maxAlerts) {
        throw new AppError("PAYLOAD_TOO_LARGE", `Send at most ${maxAlerts} alerts per request`, "body");
      }
      return c.json(await ingestAlerts(ctx, { alerts, format }), 200);
    },
  );
  return app;
}
