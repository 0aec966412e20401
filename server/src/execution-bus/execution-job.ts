/**
 * What travels between the API nodes and the processes that run executions (in-process or
 * `assay worker` on another machine): the job, the output chunks and the lifecycle events.
 * Plain JSON, no database types: a worker knows nothing else about Assay.
 */

export const EXECUTION_STATUSES = ["pending", "running", "completed", "failed", "cancelled", "timed_out"] as const;
export type ExecutionStatus = (typeof EXECUTION_STATUSES)[number];
export const FINAL_STATUSES: readonly ExecutionStatus[] = ["completed", "failed", "cancelled", "timed_out"];

/** One process to start: the tool's command, or an Atomic Red Team test's command or cleanup. */
export interface ExecutionStep {
  /** `command` decides the execution's status; a `cleanup` step runs after it whatever happened. */
  role: "command" | "cleanup";
  argv: string[];
}

/** The job a worker takes from the queue. */
export interface ExecutionJob {
  executionId: string;
  steps: ExecutionStep[];
  /** Variables the tool declares, added to the allow-listed environment. */
  env: Record<string, string>;
  timeoutMs: number;
  maxOutputBytes: number;
  /** A regular expression whose first group is a percentage, matched against each output line. */
  progressPattern: string | null;
  /** Operating systems the tool or test supports (empty: any). */
  platforms: string[];
}

/** Output as captured: `system` lines are Assay's own notes (which step runs, why it stopped). */
export interface OutputChunk {
  seq: number;
  stream: "stdout" | "stderr" | "system";
  data: string;
}

export interface StartedEvent {
  type: "started";
  executionId: string;
  workerId: string;
  startedAt: string;
}

export interface ProgressEvent {
  type: "progress";
  executionId: string;
  progress: number;
}

/** How an execution ended, as its runner (or the API, for one that never ran) saw it. */
export interface ExecutionOutcome {
  status: Exclude<ExecutionStatus, "pending" | "running">;
  exitCode: number | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string;
  outputBytes: number;
  truncated: boolean;
  progress: number | null;
}

export interface FinishedEvent extends ExecutionOutcome {
  type: "finished";
  executionId: string;
  workerId: string | null;
}

export type ExecutionEvent = StartedEvent | ProgressEvent | FinishedEvent;
