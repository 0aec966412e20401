/**
 * API nodes persist what runners report: `started` marks the execution running, `progress`
 * updates it, `finished` writes the outcome and the captured output in one transaction (only
 * once: the first final status wins), then, for an execution linked to an activity, fills the
 * activity's red fields, and ends the live output log. Every write is conditional on the
 * status, so events delivered twice or out of order change nothing.
 */
import type { Deps } from "../../context.js";
import type { ExecutionEvent, ExecutionOutcome } from "../../execution-bus/execution-job.js";
import { linkToActivity } from "./activity-link.js";
import { toExecutionView } from "./execution-view.js";

type RecorderDeps = Pick<Deps, "db" | "logger" | "executions" | "clock" | "ids" | "config" | "auth" | "events">;

const byteLength = (text: string) => Buffer.byteLength(text, "utf8");

/**
 * Writes the outcome of execution `id` and its output (read from the bus) unless it is already
 * final; returns true when this call made it final.
 */
export async function finalizeExecution(
  deps: RecorderDeps,
  id: string,
  outcome: ExecutionOutcome & { workerId?: string | null },
): Promise<boolean> {
  const chunks = await deps.executions.bus.readOutput(id, 0);
  const { prisma } = deps.db;
  const finishedAt = new Date(outcome.finishedAt);
  // A runner knows when its process started; for one that never reported it, the row does.
  const known = outcome.startedAt
    ? new Date(outcome.startedAt)
    : ((await prisma.execution.findUnique({ where: { id }, select: { startedAt: true } }))?.startedAt ?? null);
  const rows = await prisma.$transaction(async (tx) => {
    const updated = await tx.execution.updateManyAndReturn({
      where: { id, status: { in: ["pending", "running"] } },
      data: {
        status: outcome.status,
        exitCode: outcome.exitCode,
        error: outcome.error,
        startedAt: known,
        finishedAt,
        durationMs: known ? Math.max(0, finishedAt.getTime() - known.getTime()) : null,
        outputBytes: outcome.outputBytes || chunks.reduce((n, c) => n + byteLength(c.data), 0),
        truncated: outcome.truncated,
        ...(outcome.progress !== null ? { progress: outcome.progress } : {}),
        ...(outcome.workerId ? { workerId: outcome.workerId } : {}),
        heartbeatAt: null,
      },
    });
    if (updated.length > 0 && chunks.length > 0) {
      await tx.executionOutput.createMany({
        data: chunks.map((c) => ({ executionId: id, seq: c.seq, stream: c.stream, data: c.data })),
        skipDuplicates: true,
      });
    }
    return updated;
  });
  let row = rows[0];
  if (!row) return false;
  if (row.activityId) {
    // The activity first, so the end live subscribers see already says what was written there.
    await linkToActivity(deps, row).catch((error) =>
      deps.logger.error({ err: error, executionId: id }, "execution result not written into the activity"),
    );
    row = await prisma.execution.findUniqueOrThrow({ where: { id } });
  }
  await deps.executions.bus
    .endOutput(id, toExecutionView(row))
    .catch((error) => deps.logger.warn({ err: error, executionId: id }, "execution output log not closed"));
  deps.events.emit({
    type: "execution.finished",
    organizationId: row.organizationId,
    actorId: row.startedById,
    data: {
      executionId: row.id,
      status: row.status,
      toolId: row.toolId,
      toolName: row.toolName,
      command: row.command,
      exitCode: row.exitCode,
      assessmentId: row.assessmentId,
      activityId: row.activityId,
      startedAt: row.startedAt?.toISOString() ?? null,
      finishedAt: row.finishedAt?.toISOString() ?? null,
      durationMs: row.durationMs,
    },
  });
  return true;
}

/** Persists one runner event (throws to have it delivered again). */
export async function recordEvent(deps: RecorderDeps, event: ExecutionEvent): Promise<void> {
  const { prisma } = deps.db;
  switch (event.type) {
    case "started":
      await prisma.execution.updateMany({
        where: { id: event.executionId, status: "pending" },
        data: { status: "running", startedAt: new Date(event.startedAt), workerId: event.workerId },
      });
      return;
    case "progress":
      await prisma.execution.updateMany({
        where: { id: event.executionId, status: "running" },
        data: { progress: event.progress },
      });
      return;
    case "finished": {
      const { type: _type, executionId, ...outcome } = event;
      await finalizeExecution(deps, executionId, outcome);
      return;
    }
  }
}
