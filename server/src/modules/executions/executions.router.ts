/**
 * Executions (executions.*): start a tool (REST: POST /tools/{id}/execute), follow it live
 * (the `stream` subscription; REST: GET /executions/{id}/stream), read its output (REST:
 * GET /executions/{id}/output as text/plain), cancel it; and the organization's settings.
 * Every procedure needs the executions:run scope, reads included: tool output is sensitive.
 */
import { tracked } from "@trpc/server";
import { z } from "zod";
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { startExecution } from "./execution-start.service.js";
import { resumePoint, streamExecution } from "./execution-stream.js";
import {
  executionIdInput,
  executionOutputSchema,
  executionPageSchema,
  executionSchema,
  executionSettingsSchema,
  listExecutionsInput,
  startExecutionInput,
  startedSchema,
  streamInput,
  updateSettingsInput,
} from "./executions.schemas.js";
import {
  cancelExecution,
  executionOutput,
  executionSettings,
  getExecution,
  listExecutions,
  updateExecutionSettings,
} from "./executions.service.js";

const tags = ["executions"];
const run = orgProcedure.meta({ scope: "executions:run" });

export const executionsRouter = router({
  start: run
    .meta({ description: "Start a tool (REST: POST /api/v1/tools/{id}/execute)" })
    .input(startExecutionInput)
    .output(startedSchema)
    .mutation(({ ctx, input }) => startExecution(ctx, input)),
  list: run
    .meta(orgRoute(tags, "GET", "/executions", "Executions the caller may see, newest first"))
    .input(listExecutionsInput)
    .output(executionPageSchema)
    .query(({ ctx, input }) => listExecutions(ctx, input)),
  get: run
    .meta(orgRoute(tags, "GET", "/executions/{id}", "One execution"))
    .input(executionIdInput)
    .output(executionSchema)
    .query(({ ctx, input }) => getExecution(ctx, input.id)),
  cancel: run
    .meta(
      orgRoute(
        tags,
        "POST",
        "/executions/{id}/cancel",
        "Cancel an execution",
        "A queued execution never starts; a running one has its whole process group killed. Also DELETE /executions/{id}.",
      ),
    )
    .input(executionIdInput)
    .output(executionSchema)
    .mutation(({ ctx, input }) => cancelExecution(ctx, input.id)),
  output: run
    .meta({ description: "The captured output (REST: GET /api/v1/executions/{id}/output, text/plain)" })
    .input(executionIdInput)
    .output(executionOutputSchema)
    .query(({ ctx, input }) => executionOutput(ctx, input.id)),
  stream: run
    .meta({ description: "Live output: one event per chunk (tracked, so a reconnect resumes), then the final status" })
    .input(streamInput)
    .subscription(async function* ({ ctx, input, signal }) {
      const stop = signal ?? new AbortController().signal;
      for await (const event of streamExecution(ctx, input.id, resumePoint(input.lastEventId), stop)) {
        if (event.kind === "output") yield tracked(String(event.seq), event);
        else yield event;
      }
    }),
  settings: run
    .meta(orgRoute(tags, "GET", "/execution-settings", "The organization's execution settings"))
    .input(z.object({ organizationId: z.uuid().optional() }).optional())
    .output(executionSettingsSchema)
    .query(({ ctx }) => executionSettings(ctx)),
  updateSettings: run
    .meta(
      orgRoute(tags, "PATCH", "/execution-settings", "Turn Atomic Red Team execution on or off (owners and admins)"),
    )
    .input(updateSettingsInput)
    .output(executionSettingsSchema)
    .mutation(({ ctx, input }) => updateExecutionSettings(ctx, input)),
});
