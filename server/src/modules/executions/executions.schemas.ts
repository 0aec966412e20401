/** Inputs and outputs of executions (executions.*), their settings and the workers list. */
import { z } from "zod";
import { EXECUTION_STATUSES } from "../../execution-bus/execution-job.js";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { LABEL } from "../../worker-config.js";

const parameterValue = z.union([z.string(), z.number(), z.boolean()]);

/** What `executions.start` takes besides the tool (also the body of POST /tools/{id}/execute). */
export const startBodySchema = z.object({
  organizationId: z.uuid().optional().describe("The organization (or send X-Organization-Id)"),
  parameters: z
    .record(z.string(), z.union([parameterValue, z.record(z.string(), parameterValue)]))
    .default({})
    .describe(
      "Values for the tool's parameter schema; for the built-in Atomic Red Team tool { templateId, inputArguments }",
    ),
  assessmentId: z.uuid().optional().describe("Run for this assessment (red or lead on it)"),
  activityId: z
    .uuid()
    .optional()
    .describe("Run for this activity: when it waits for red, the result fills its red fields"),
  timeoutSeconds: z
    .number()
    .int()
    .min(1)
    .max(24 * 3600)
    .optional(),
  workerLabels: z
    .array(z.string().regex(LABEL, { error: "labels are letters, digits and _ . : = / -" }))
    .max(20)
    .optional()
    .describe("Only a worker having every one of these labels runs it (e.g. linux, host=ws01)"),
});

export const startExecutionInput = startBodySchema.extend({ toolId: z.uuid() });
export type StartExecutionInput = z.infer<typeof startExecutionInput>;

export const startedSchema = z
  .object({ id: z.uuid(), status: z.enum(EXECUTION_STATUSES) })
  .meta({ id: "ExecutionStarted" });

export const executionIdInput = z.object({ id: z.uuid() });

export const listExecutionsInput = pageInput.extend({
  status: z.enum(EXECUTION_STATUSES).optional(),
  toolId: z.uuid().optional(),
  assessmentId: z.uuid().optional(),
  activityId: z.uuid().optional(),
});
export type ListExecutionsInput = z.infer<typeof listExecutionsInput>;

export const executionSchema = z
  .object({
    id: z.uuid(),
    toolId: z.uuid(),
    toolName: z.string(),
    toolKind: z.enum(["command", "atomic"]),
    status: z.enum(EXECUTION_STATUSES),
    parameters: z.record(z.string(), z.unknown()),
    argv: z.array(z.string()).describe("The command's argv as started (placeholders filled)"),
    command: z.string().describe("The command as displayed"),
    exitCode: z.number().int().nullable(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
    durationMs: z.number().int().nullable(),
    workerId: z.string().nullable(),
    progress: z.number().int().min(0).max(100).describe("0 to 100"),
    outputBytes: z.number().int().describe("Bytes of output captured"),
    truncated: z.boolean().describe("True when the output passed the cap and the rest was dropped"),
    error: z.string().nullable(),
    assessmentId: z.uuid().nullable(),
    activityId: z.uuid().nullable(),
    workerLabels: z.array(z.string()),
    timeoutSeconds: z.number().int(),
    startedById: z.uuid(),
    createdAt: z.string(),
    cancelRequestedAt: z.string().nullable(),
    redFieldsFilled: z.boolean().describe("True when the result was written into the activity's red fields"),
    evidenceId: z.uuid().nullable().describe("The evidence file holding the output, when stored on the activity"),
  })
  .meta({ id: "Execution" });
export type ExecutionView = z.infer<typeof executionSchema>;

export const executionPageSchema = pageOf(executionSchema, "ExecutionPage");

export const executionOutputSchema = z.object({
  id: z.uuid(),
  status: z.enum(EXECUTION_STATUSES),
  text: z.string().describe("Everything captured so far, in order"),
  outputBytes: z.number().int(),
  truncated: z.boolean(),
});

export const streamInput = z.object({
  id: z.uuid(),
  organizationId: z.uuid().optional(),
  lastEventId: z.string().nullish().describe("Resume after this chunk number (set by the client on reconnect)"),
});

export const executionSettingsSchema = z
  .object({
    atomicExecutionEnabled: z
      .boolean()
      .describe("Atomic Red Team tests run imported commands: off until an owner or admin turns it on"),
  })
  .meta({ id: "ExecutionSettings" });

export const updateSettingsInput = z.object({
  organizationId: z.uuid().optional(),
  atomicExecutionEnabled: z.boolean(),
});

export const workerSchema = z
  .object({
    id: z.string(),
    kind: z.enum(["in-process", "worker"]),
    hostname: z.string(),
    pid: z.number().int(),
    labels: z.array(z.string()),
    concurrency: z.number().int(),
    running: z.number().int(),
    startedAt: z.string(),
    lastHeartbeatAt: z.string(),
    online: z.boolean(),
  })
  .meta({ id: "Worker" });

export const workerListSchema = z.object({ data: z.array(workerSchema) });
