/**
 * executions.start: checks who may run what where, validates the parameters against the
 * tool's schema (then fills its argv) or plans the Atomic Red Team test, makes sure a runner
 * with the wanted labels exists, records the execution and queues its job. Once this answers,
 * the execution always reaches a final status (see the recorder and the reaper); when the
 * queue cannot take the job, the answer is 503 and the record says why it failed.
 */
import { originOf } from "../../context.js";
import type { ExecutionJob } from "../../execution-bus/execution-job.js";
import type { Tool as ToolRow } from "../../generated/prisma/client.js";
import type { OrgContext } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { labelsMatch, normaliseLabels } from "../../runner/capabilities.js";
import { requireAssessmentPermission, requireOrgPermission } from "../acl/access.js";
import { activityAccess } from "../activities/activity-access.js";
import { recordAudit } from "../audit/audit.js";
import { ATOMIC_TOOL, ATOMIC_TOOL_ID } from "../tools/builtin-tools.js";
import { compileParameters, type ParametersDefinition } from "../tools/parameter-schema.js";
import { buildArgv, displayCommand } from "../tools/tool-command.js";
import { findToolRow } from "../tools/tools.service.js";
import { planAtomic } from "./atomic-job.js";
import type { StartExecutionInput } from "./executions.schemas.js";

const unavailable = (cause: unknown) =>
  new AppError("SERVICE_UNAVAILABLE", "The job queue (Redis) is unavailable; try again shortly", null, [], { cause });

/** The assessment (and activity) the execution runs for, once the caller may run it there. */
async function resolveLink(ctx: OrgContext, input: StartExecutionInput) {
  if (input.activityId) {
    const access = await activityAccess(ctx, input.activityId, "write:red-fields", "activityId");
    if (input.assessmentId && input.assessmentId !== access.assessmentId) {
      throw new AppError("VALIDATION", "The activity belongs to another assessment", "assessmentId");
    }
    return { assessmentId: access.assessmentId, activityId: access.id };
  }
  if (input.assessmentId) {
    await requireAssessmentPermission(ctx, input.assessmentId, "write:red-fields");
    return { assessmentId: input.assessmentId, activityId: null };
  }
  try {
    requireOrgPermission(ctx.org, "lead:assessments");
  } catch {
    throw new AppError("FORBIDDEN", "Without an assessment, only the organization's owners and admins can run tools");
  }
  return { assessmentId: null, activityId: null };
}

interface Plan {
  toolName: string;
  toolKind: "command" | "atomic";
  steps: ExecutionJob["steps"];
  command: string;
  parameters: unknown;
  env: Record<string, string>;
  timeoutSeconds: number | null;
  maxOutputBytes: number | null;
  progressPattern: string | null;
  platforms: string[];
  requiredLabels: string[];
}

function planCommand(tool: ToolRow, input: StartExecutionInput): Plan {
  const parsed = compileParameters(tool.parameters as ParametersDefinition).safeParse(input.parameters);
  if (!parsed.success) {
    const items = parsed.error.issues.map((issue) => ({
      code: "VALIDATION" as const,
      message: issue.code === "unrecognized_keys" ? `unknown parameter ${issue.keys.join(", ")}` : issue.message,
      field: [
        "parameters",
        ...issue.path.map(String),
        ...(issue.code === "unrecognized_keys" ? [issue.keys[0]] : []),
      ].join("."),
    }));
    throw new AppError("VALIDATION", `Invalid parameter: ${items[0]?.field}`, items[0]?.field ?? null, items);
  }
  const argv = buildArgv(tool.executable, tool.args, parsed.data);
  return {
    toolName: tool.name,
    toolKind: "command",
    steps: [{ role: "command", argv }],
    command: displayCommand(argv),
    parameters: parsed.data,
    env: tool.env as Record<string, string>,
    timeoutSeconds: tool.timeoutSeconds,
    maxOutputBytes: tool.maxOutputBytes,
    progressPattern: tool.progressPattern,
    platforms: tool.platforms,
    requiredLabels: [],
  };
}

async function planAtomicTool(ctx: OrgContext, input: StartExecutionInput, assessmentId: string | null): Promise<Plan> {
  const org = await ctx.db.prisma.organization.findUniqueOrThrow({
    where: { id: ctx.org.id },
    select: { atomicExecutionEnabled: true },
  });
  if (!org.atomicExecutionEnabled) {
    throw new AppError(
      "FORBIDDEN",
      "Atomic Red Team execution is off for this organization (executions.updateSettings)",
    );
  }
  if (!assessmentId) {
    throw new AppError("VALIDATION", "Atomic Red Team tests run for an assessment (red or lead on it)", "assessmentId");
  }
  const plan = await planAtomic(ctx, input.parameters);
  return {
    toolName: ATOMIC_TOOL.name,
    toolKind: "atomic",
    steps: plan.steps,
    command: plan.command,
    parameters: plan.parameters,
    env: {},
    timeoutSeconds: null,
    maxOutputBytes: null,
    progressPattern: null,
    platforms: plan.platforms,
    requiredLabels: plan.requiredLabels,
  };
}

/** NOT runnable: no runner alive has every label in `labels` (UNPROCESSABLE on workerLabels). */
async function assertRunnable(ctx: OrgContext, labels: string[]): Promise<void> {
  const { executions } = ctx;
  const runnable = executions.localLabels
    ? labelsMatch(executions.localLabels, labels)
    : await executions.bus
        .listWorkers()
        .then((workers) => workers.some((w) => w.online && labelsMatch(w.labels, labels)))
        .catch((error: unknown) => {
          throw unavailable(error);
        });
  if (!runnable) {
    const wanted = labels.length > 0 ? `with the labels ${labels.join(", ")}` : "";
    const hint = executions.localLabels ? "this server runs executions itself" : "start one with `assay worker`";
    throw new AppError(
      "UNPROCESSABLE",
      `No runner ${wanted} is available (${hint})`.replace("  ", " "),
      "workerLabels",
    );
  }
}

/** Starts `input.toolId` for the caller's organization; answers the new execution's id. */
export async function startExecution(ctx: OrgContext, input: StartExecutionInput) {
  const settings = ctx.config.executions;
  if (!settings.enabled)
    throw new AppError("FORBIDDEN", "Executions are turned off on this server (EXECUTIONS_ENABLED)");
  const tool = input.toolId === ATOMIC_TOOL_ID ? null : await findToolRow(ctx, input.toolId);
  if (input.toolId !== ATOMIC_TOOL_ID && !tool) throw new AppError("NOT_FOUND", "Tool not found", "toolId");
  const link = await resolveLink(ctx, input);
  const plan = tool ? planCommand(tool, input) : await planAtomicTool(ctx, input, link.assessmentId);
  const timeoutSeconds = input.timeoutSeconds ?? plan.timeoutSeconds ?? settings.defaultTimeoutSeconds;
  const maxOutputBytes = Math.min(plan.maxOutputBytes ?? settings.maxOutputBytes, settings.maxOutputBytes);
  const labels = normaliseLabels([...(input.workerLabels ?? []), ...plan.requiredLabels]);
  await assertRunnable(ctx, labels);
  const queueName = await ctx.executions.bus.queueFor(labels).catch((error: unknown) => {
    throw unavailable(error);
  });

  const id = ctx.ids.uuid();
  const job: ExecutionJob = {
    executionId: id,
    steps: plan.steps,
    env: plan.env,
    timeoutMs: timeoutSeconds * 1000,
    maxOutputBytes,
    progressPattern: plan.progressPattern,
    platforms: plan.platforms,
  };
  const { prisma } = ctx.db;
  await prisma.$transaction(async (tx) => {
    await tx.execution.create({
      data: {
        id,
        organizationId: ctx.org.id,
        toolId: input.toolId,
        toolName: plan.toolName,
        toolKind: plan.toolKind,
        assessmentId: link.assessmentId,
        activityId: link.activityId,
        parameters: plan.parameters as object,
        argv: plan.steps[0]?.argv ?? [],
        command: plan.command,
        timeoutSeconds,
        maxOutputBytes,
        workerLabels: labels,
        queue: ctx.queues.kind,
        queueName,
        nodeId: ctx.executions.nodeId,
        heartbeatAt: ctx.queues.kind === "memory" ? ctx.clock.now() : null,
        startedById: ctx.user.id,
        createdAt: ctx.clock.now(),
      },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "execution.started",
      actorId: ctx.user.id,
      targetType: "execution",
      targetId: id,
      metadata: {
        organizationId: ctx.org.id,
        toolId: input.toolId,
        tool: plan.toolName,
        command: plan.command,
        ...link,
      },
    });
  });
  try {
    await ctx.queues.add(queueName, "execution", job, { jobId: id });
  } catch (error) {
    await prisma.execution.update({
      where: { id },
      data: {
        status: "failed",
        error: "The job queue (Redis) was unavailable: it never ran",
        finishedAt: ctx.clock.now(),
      },
    });
    ctx.events.emit({
      type: "execution.finished",
      organizationId: ctx.org.id,
      actorId: ctx.user.id,
      data: { executionId: id, status: "failed", toolId: input.toolId, toolName: plan.toolName, exitCode: null },
    });
    throw unavailable(error);
  }
  return { id, status: "pending" as const };
}
