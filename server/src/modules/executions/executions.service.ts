/**
 * Reading and stopping executions, and the organization's execution settings. Starting is
 * execution-start.service.ts; streaming is execution-stream.ts.
 */
import { type Context, originOf } from "../../context.js";
import type { OrgContext } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { requireAssessmentPermission, requireOrgPermission } from "../acl/access.js";
import { recordAudit } from "../audit/audit.js";
import { cancellableExecution, readableExecution, visibleExecutions } from "./execution-access.js";
import { finalizeExecution } from "./execution-recorder.js";
import { toExecutionView } from "./execution-view.js";
import type { ExecutionView, ListExecutionsInput } from "./executions.schemas.js";

const isFinal = (status: string) => status !== "pending" && status !== "running";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
// How long cancel waits for the runner to report the end (the group is killed within 2 s).
const CANCEL_WAIT_MS = 3000;

/** Executions the caller may see, newest first. */
export async function listExecutions(ctx: OrgContext, input: ListExecutionsInput) {
  if (input.assessmentId) {
    await requireAssessmentPermission(ctx, input.assessmentId, "read:assessment");
  }
  const where = {
    AND: [
      await visibleExecutions(ctx),
      {
        ...(input.status ? { status: input.status } : {}),
        ...(input.toolId ? { toolId: input.toolId } : {}),
        ...(input.assessmentId ? { assessmentId: input.assessmentId } : {}),
        ...(input.activityId ? { activityId: input.activityId } : {}),
      },
    ],
  };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.execution.count({ where }),
    prisma.execution.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toExecutionView), total, input.page, input.pageSize);
}

/** One execution. */
export async function getExecution(ctx: OrgContext, id: string): Promise<ExecutionView> {
  return toExecutionView(await readableExecution(ctx, id));
}

/** The captured output: from the database once final, from the live log before. */
export async function executionOutput(ctx: OrgContext, id: string) {
  const row = await readableExecution(ctx, id);
  const chunks = isFinal(row.status)
    ? await ctx.db.prisma.executionOutput.findMany({ where: { executionId: id }, orderBy: { seq: "asc" } })
    : await ctx.executions.bus.readOutput(id, 0);
  const text = chunks.map((c) => c.data).join("");
  const outputBytes = isFinal(row.status) ? row.outputBytes : Buffer.byteLength(text, "utf8");
  return { id, status: row.status, text, outputBytes, truncated: row.truncated };
}

/**
 * Stops an execution: a queued one never starts; a running one has its process group killed.
 * Answers once the end is recorded (or after a few seconds with what is known then).
 */
export async function cancelExecution(ctx: OrgContext, id: string): Promise<ExecutionView> {
  const row = await cancellableExecution(ctx, id);
  if (isFinal(row.status)) throw new AppError("CONFLICT", `The execution already ended (${row.status})`, "id");
  const { prisma } = ctx.db;
  await prisma.$transaction(async (tx) => {
    await tx.execution.update({
      where: { id },
      data: { cancelRequestedAt: ctx.clock.now(), cancelledById: ctx.user.id },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "execution.cancelled",
      actorId: ctx.user.id,
      targetType: "execution",
      targetId: id,
      metadata: { organizationId: ctx.org.id, status: row.status, tool: row.toolName },
    });
  });
  try {
    await ctx.executions.bus.requestCancel(id);
    if (await ctx.queues.remove(row.queueName, id)) {
      await finalizeExecution(ctx, id, {
        status: "cancelled",
        exitCode: null,
        error: "Cancelled before it started",
        startedAt: null,
        finishedAt: ctx.clock.now().toISOString(),
        outputBytes: 0,
        truncated: false,
        progress: null,
      });
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError("SERVICE_UNAVAILABLE", "The job queue (Redis) is unavailable; try again shortly", null, [], {
      cause: error,
    });
  }
  const deadline = Date.now() + CANCEL_WAIT_MS;
  let current = await prisma.execution.findUniqueOrThrow({ where: { id } });
  while (!isFinal(current.status) && Date.now() < deadline) {
    await sleep(50);
    current = await prisma.execution.findUniqueOrThrow({ where: { id } });
  }
  return toExecutionView(current);
}

/** The organization's execution settings (any member). */
export async function executionSettings(ctx: OrgContext) {
  return ctx.db.prisma.organization.findUniqueOrThrow({
    where: { id: ctx.org.id },
    select: { atomicExecutionEnabled: true },
  });
}

/** Changes the organization's execution settings (owners and admins), audited. */
export async function updateExecutionSettings(ctx: OrgContext, input: { atomicExecutionEnabled: boolean }) {
  requireOrgPermission(ctx.org, "update:organization");
  return ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.organization.update({
      where: { id: ctx.org.id },
      data: { atomicExecutionEnabled: input.atomicExecutionEnabled },
      select: { atomicExecutionEnabled: true },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "organization.execution_settings.updated",
      actorId: ctx.user.id,
      targetType: "organization",
      targetId: ctx.org.id,
      metadata: { atomicExecutionEnabled: input.atomicExecutionEnabled },
    });
    return updated;
  });
}

/** The runners that heartbeat (workers, or this server without Redis), by host. */
export async function listWorkers(ctx: Pick<Context, "executions">) {
  const workers = await ctx.executions.bus.listWorkers();
  return { data: workers.sort((a, b) => a.hostname.localeCompare(b.hostname) || a.id.localeCompare(b.id)) };
}
