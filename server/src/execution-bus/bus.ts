/**
 * The execution bus: how runners and API nodes share an execution's life without a shared
 * database. Runners append output chunks and publish lifecycle events; API nodes persist the
 * events (one node per event), fan the output out to every subscriber, ask runners to
 * cancel, and list the runners that are alive. In memory without Redis; with Redis, a stream
 * per execution's output, a stream of events read by a consumer group, pub/sub for
 * cancellations and a hash of worker heartbeats (see redis-bus.ts).
 */
import { createHash } from "node:crypto";
import type { ExecutionEvent, OutputChunk } from "./execution-job.js";

/** How a runner talks back: output chunks, lifecycle events, and the cancel flag. */
export interface RunnerChannel {
  /** Sends output chunks; calls are delivered in order, before any later `publish`. */
  appendOutput(executionId: string, chunks: OutputChunk[]): void;
  publish(event: ExecutionEvent): Promise<void>;
  isCancelRequested(executionId: string): Promise<boolean>;
}

/** One entry of an execution's output log: a chunk, or the end with the execution's final view. */
export type OutputEntry = { kind: "chunk"; chunk: OutputChunk } | { kind: "end"; final: unknown };

/** What a runner says about itself in each heartbeat. */
export interface WorkerInfo {
  id: string;
  kind: "in-process" | "worker";
  hostname: string;
  pid: number;
  labels: string[];
  concurrency: number;
  running: number;
  startedAt: string;
}

export interface WorkerStatus extends WorkerInfo {
  lastHeartbeatAt: string;
  /** False once heartbeats have stopped for longer than WORKER_TTL_MS. */
  online: boolean;
}

/** Heartbeats every 5 s; a worker silent for 15 s is lost (its running executions fail). */
export const HEARTBEAT_MS = 5000;
export const WORKER_TTL_MS = 15_000;

/** The events a node has persisted; `caughtUpAt` is when it last found nothing left to read. */
export interface EventConsumer {
  caughtUpAt(): number;
  stop(): Promise<void>;
}

export interface ExecutionBus {
  readonly kind: "memory" | "redis";
  /** The runner's side: output, events, cancel flag. */
  readonly runner: RunnerChannel;
  /** Asks the runner of `executionId` to stop it (and marks it, for a runner that has not started it yet). */
  requestCancel(executionId: string): Promise<void>;
  /** Calls `handler` when any execution is cancelled (runners keep their own list). */
  onCancel(handler: (executionId: string) => void): () => void;
  /** The output chunks after `afterSeq` logged so far (empty once the log has expired). */
  readOutput(executionId: string, afterSeq: number): Promise<OutputChunk[]>;
  /** Closes the log with the execution's final view; the log expires a while later. */
  endOutput(executionId: string, final: unknown): Promise<void>;
  /** The log's entries after `afterSeq`, then live ones, until its end (or `signal`). */
  watchOutput(executionId: string, afterSeq: number, signal: AbortSignal): AsyncIterable<OutputEntry>;
  /** Runs `handler` for each event once across all API nodes (retried if the handler throws). */
  consumeEvents(consumerName: string, handler: (event: ExecutionEvent) => Promise<void>): EventConsumer;
  heartbeat(info: WorkerInfo): Promise<void>;
  dropWorker(id: string): Promise<void>;
  listWorkers(): Promise<WorkerStatus[]>;
  /** The queue for jobs needing `labels`, made known to every worker that has them. */
  queueFor(labels: string[]): Promise<string>;
  /** The label sets jobs have been queued with, by queue name. */
  labelQueues(): Promise<Map<string, string[]>>;
  /** Calls `handler` when a new label set appears. */
  onLabelQueue(handler: () => void): () => void;
  close(): Promise<void>;
}

/** The queue of jobs needing exactly `labels` (sorted): `executions` when none. */
export function queueNameFor(labels: readonly string[]): string {
  if (labels.length === 0) return "executions";
  return `executions.${createHash("sha256").update(labels.join("\n")).digest("hex").slice(0, 16)}`;
}

/** True when `status` heartbeated within the TTL at `now`. */
export function isAlive(lastHeartbeatAt: string, now = Date.now()): boolean {
  return now - Date.parse(lastHeartbeatAt) < WORKER_TTL_MS;
}
