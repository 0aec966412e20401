/**
 * The execution routes that are not plain JSON procedures, mounted under /api/v1 by
 * http/app.ts, each behind the one guard chain with the executions:run scope:
 *   POST   /tools/:id/execute        start (the body of executions.start without toolId) -> 202
 *   DELETE /executions/:id           cancel, like POST /executions/{id}/cancel
 *   GET    /executions/:id/output    the captured output as text/plain
 *   GET    /executions/:id/stream    text/event-stream: `output` events (id = chunk number),
 *                                    then one `status` event; resumes after Last-Event-ID
 */
import { Hono, type Context as HonoContext } from "hono";
import { streamSSE } from "hono/streaming";
import type { Context } from "../../context.js";
import { guard, orgContext } from "../../http/route-guard.js";
import type { AppEnv } from "../../http/types.js";
import { AppError } from "../../lib/app-error.js";
import { readableExecution } from "./execution-access.js";
import { startExecution } from "./execution-start.service.js";
import { resumePoint, streamExecution } from "./execution-stream.js";
import { startBodySchema } from "./executions.schemas.js";
import { cancelExecution, executionOutput } from "./executions.service.js";

type ContextOf = (c: HonoContext<AppEnv>) => Context;

const PING_MS = 15_000;

async function jsonBody(c: HonoContext<AppEnv>): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
    throw new AppError("UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json");
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("BAD_REQUEST", "The request body is not valid JSON");
  }
}

/** The execution routes (contextOf builds the request context, as for every door). */
export function executionRoutes(contextOf: ContextOf): Hono<AppEnv> {
  const app = new Hono<AppEnv>();
  const run = (name: string) => guard({ kind: "organization", name, scope: "executions:run" }, contextOf);

  app.post("/tools/:id/execute", run("executions.start"), async (c) => {
    const ctx = orgContext(c);
    const body = startBodySchema.parse(await jsonBody(c));
    if (body.organizationId && body.organizationId !== ctx.org.id) {
      throw new AppError(
        "VALIDATION",
        "X-Organization-Id and organizationId name different organizations",
        "organizationId",
      );
    }
    const toolId = c.req.param("id");
    if (!/^[0-9a-f-]{36}$/i.test(toolId)) throw new AppError("NOT_FOUND", "Tool not found", "id");
    return c.json(await startExecution(ctx, { ...body, toolId }), 202);
  });

  app.delete("/executions/:id", run("executions.cancel"), async (c) =>
    c.json(await cancelExecution(orgContext(c), c.req.param("id"))),
  );

  app.get("/executions/:id/output", run("executions.output"), async (c) => {
    const output = await executionOutput(orgContext(c), c.req.param("id"));
    return c.body(output.text, 200, {
      "content-type": "text/plain; charset=utf-8",
      "cache-control": "private, no-store",
      "x-content-type-options": "nosniff",
      "x-execution-status": output.status,
      "x-output-truncated": String(output.truncated),
    });
  });

  app.get("/executions/:id/stream", run("executions.stream"), async (c) => {
    const ctx = orgContext(c);
    const id = c.req.param("id");
    // Refusals answer as errors, before the event stream starts.
    const row = await readableExecution(ctx, id);
    const afterSeq = resumePoint(c.req.header("last-event-id") ?? c.req.query("lastEventId"));
    c.header("cache-control", "no-cache, no-store");
    c.header("x-accel-buffering", "no");
    return streamSSE(c, async (stream) => {
      const closed = new AbortController();
      stream.onAbort(() => closed.abort());
      const ping = setInterval(() => void stream.write(": ping\n\n").catch(() => closed.abort()), PING_MS);
      try {
        for await (const event of streamExecution(ctx, id, afterSeq, closed.signal, row)) {
          if (event.kind === "output") {
            const { seq, stream: from, data } = event;
            await stream.writeSSE({
              id: String(seq),
              event: "output",
              data: JSON.stringify({ seq, stream: from, data }),
            });
          } else {
            await stream.writeSSE({ event: "status", data: JSON.stringify(event.execution) });
          }
        }
      } finally {
        clearInterval(ping);
      }
    });
  });

  return app;
}
