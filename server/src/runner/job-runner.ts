/**
 * Runs one execution job where the runner lives (the API process without Redis, or an
 * `assay worker`): its own working folder, the allow-listed environment, each step in turn
 * (an Atomic Red Team test's cleanup after its command, whatever happened), output streamed
 * as it comes, and the outcome reported once. It needs no database: everything goes
 * through `channel`.
 */
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { RunnerChannel } from "../execution-bus/bus.js";
import type { ExecutionJob, ExecutionOutcome } from "../execution-bus/execution-job.js";
import { platformName, resolveProgram } from "./capabilities.js";
import { childEnvironment } from "./child-env.js";
import { OutputCapture } from "./output-capture.js";
import { type ProcessResult, runProcess } from "./process-run.js";

export interface RunnerContext {
  workerId: string;
  workDir: string;
  channel: RunnerChannel;
  /** The runner's own environment, from which only allow-listed variables pass. */
  env: Record<string, string | undefined>;
  /** Aborted when the execution is cancelled, or with STOPPING when the runner shuts down. */
  signal: AbortSignal;
}

/** The abort reason of a runner shutting down: its executions fail instead of being cancelled. */
export const STOPPING = "runner-stopping";

// A cleanup step gets at most this long, even after a cancellation or timeout.
const CLEANUP_TIMEOUT_MS = 60_000;
const PROGRESS_EVERY_MS = 1000;

const describe = (result: ProcessResult, timeoutMs: number): string | null => {
  switch (result.kind) {
    case "exited":
      if (result.signal) return `Killed by signal ${result.signal}`;
      return result.exitCode === 0 ? null : `Exited with code ${result.exitCode}`;
    case "timed_out":
      return `Timed out after ${Math.round(timeoutMs / 1000)} s; the process group was killed`;
    case "cancelled":
      return "Cancelled; the process group was killed";
    case "not_started":
      return result.message;
  }
};

function statusOf(result: ProcessResult): ExecutionOutcome["status"] {
  if (result.kind === "timed_out") return "timed_out";
  if (result.kind === "cancelled") return "cancelled";
  return result.kind === "exited" && result.exitCode === 0 && !result.signal ? "completed" : "failed";
}

/** Runs `job` to its end and reports the outcome (never throws for the job's own failures). */
export async function runExecutionJob(job: ExecutionJob, ctx: RunnerContext): Promise<ExecutionOutcome> {
  const { channel, workerId } = ctx;
  const report = async (outcome: ExecutionOutcome) => {
    await channel.publish({ type: "finished", executionId: job.executionId, workerId, ...outcome });
    return outcome;
  };
  const ended = (status: ExecutionOutcome["status"], error: string | null): ExecutionOutcome => ({
    status,
    exitCode: null,
    error,
    startedAt: null,
    finishedAt: new Date().toISOString(),
    outputBytes: 0,
    truncated: false,
    progress: null,
  });
  if (ctx.signal.reason === STOPPING) return report(ended("failed", "The runner stopped before the execution started"));
  if (ctx.signal.aborted || (await channel.isCancelRequested(job.executionId))) {
    return report(ended("cancelled", "Cancelled before it started"));
  }
  const os = platformName();
  if (job.platforms.length > 0 && !job.platforms.includes(os)) {
    return report(ended("failed", `This worker runs ${os}; the tool supports ${job.platforms.join(", ")}`));
  }

  const folder = join(ctx.workDir, job.executionId);
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const startedAt = new Date();
  let progress = 0;
  let progressSentAt = 0;
  const capture = new OutputCapture({
    maxBytes: job.maxOutputBytes,
    progressPattern: job.progressPattern,
    onChunks: (chunks) => channel.appendOutput(job.executionId, chunks),
    onProgress: (percent) => {
      progress = percent;
      if (Date.now() - progressSentAt < PROGRESS_EVERY_MS) return;
      progressSentAt = Date.now();
      void channel.publish({ type: "progress", executionId: job.executionId, progress }).catch(() => undefined);
    },
  });
  // Not awaited: the process starts at once; the channel delivers events in order anyway.
  const started = channel
    .publish({ type: "started", executionId: job.executionId, workerId, startedAt: startedAt.toISOString() })
    .catch(() => undefined);

  const env = childEnvironment(ctx.env, job.env);
  let main: ProcessResult | null = null;
  try {
    for (const step of job.steps) {
      const isCleanup = step.role === "cleanup";
      if (isCleanup) capture.note(`--- cleanup: ${step.argv.join(" ")}`);
      const elapsed = Date.now() - startedAt.getTime();
      const result = await runProcess({
        argv: resolveProgram(step.argv, env.PATH),
        env,
        cwd: folder,
        timeoutMs: isCleanup ? Math.min(CLEANUP_TIMEOUT_MS, job.timeoutMs) : Math.max(1, job.timeoutMs - elapsed),
        ...(isCleanup ? {} : { signal: ctx.signal }),
        onOutput: (stream, data) => capture.write(stream, data),
      });
      if (isCleanup) {
        const problem = describe(result, CLEANUP_TIMEOUT_MS);
        if (problem) capture.note(`--- cleanup failed: ${problem}`);
      } else {
        main = result;
        if (result.kind === "not_started") break;
      }
    }
  } finally {
    capture.flush();
    await rm(folder, { recursive: true, force: true }).catch(() => undefined);
  }
  await started;
  const result = main ?? { kind: "not_started", message: "The job has no command" };
  const stopped = result.kind === "cancelled" && ctx.signal.reason === STOPPING;
  const status = stopped ? "failed" : statusOf(result);
  return report({
    status,
    exitCode: result.kind === "exited" ? result.exitCode : null,
    error: stopped
      ? "The runner stopped while the execution ran; the process group was killed"
      : describe(result, job.timeoutMs),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    outputBytes: capture.outputBytes,
    truncated: capture.truncated,
    progress: status === "completed" ? 100 : progress,
  });
}
