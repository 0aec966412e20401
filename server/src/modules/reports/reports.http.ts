/** GET /api/v1/reports/:id/download: a completed report's file, through the one guard chain. */
import { Hono, type Context as HonoContext } from "hono";
import type { Context } from "../../context.js";
import { contentDisposition } from "../../http/file-response.js";
import { guard, orgContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { openReport } from "./reports.service.js";

export function reportRoutes(contextOf: (c: HonoContext<AppEnv>) => Context): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  app.get(
    "/reports/:id/download",
    guard({ kind: "organization", name: "reports.download", scope: "reports:read" }, contextOf),
    async (c) => {
      const { report, body } = await openReport(orgContext(c), c.req.param("id"));
      return new Response(body, {
        status: 200,
        headers: {
          "content-type": report.contentType,
          ...(report.sizeBytes !== null ? { "content-length": String(report.sizeBytes) } : {}),
          "content-disposition": contentDisposition(report.fileName),
          "x-content-type-options": "nosniff",
          // An HTML report opened from here runs nothing and loads nothing.
          "content-security-policy": "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'",
          "cache-control": "private, no-store",
        },
      });
    },
  );
  return app;
}
