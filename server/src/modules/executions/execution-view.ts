/** An execution row as the API shows it (executions.get, the stream's final event). */
import type { Execution } from "../../generated/prisma/client.js";
import { iso } from "../../lib/clock.js";
import type { ExecutionView } from "./executions.schemas.js";

/** The API view of an execution row. */
export function toExecutionView(row: Execution): ExecutionView {
  return {
    id: row.id,
    toolId: row.toolId,
    toolName: row.toolName,
    toolKind: row.toolKind === "atomic" ? "atomic" : "command",
    status: row.status,
    parameters: row.parameters as Record<string, unknown>,
    argv: row.argv,
    command: row.command,
    exitCode: row.exitCode,
    startedAt: iso(row.startedAt),
    finishedAt: iso(row.finishedAt),
    durationMs: row.durationMs,
    workerId: row.workerId,
    progress: row.progress,
    outputBytes: row.outputBytes,
    truncated: row.truncated,
    error: row.error,
    assessmentId: row.assessmentId,
    activityId: row.activityId,
    workerLabels: row.workerLabels,
    timeoutSeconds: row.timeoutSeconds,
    startedById: row.startedById,
    createdAt: row.createdAt.toISOString(),
    cancelRequestedAt: iso(row.cancelRequestedAt),
    redFieldsFilled: row.redFieldsFilled,
    evidenceId: row.evidenceId,
  };
}
