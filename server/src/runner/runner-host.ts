/**
 * A runner: takes execution jobs from the queues whose label set its own labels cover, runs
 * at most `concurrency` at a time, stops the ones that are cancelled, and heartbeats so the
 * API nodes know it is alive. The same code runs inside the API process (no Redis) and as
 * `assay worker` (BullMQ); it never touches the database.
 */
import { hostname } from "node:os";
import type { ExecutionBus, WorkerInfo } from "../execution-bus/bus.js";
import { HEARTBEAT_MS } from "../execution-bus/bus.js";
import type { ExecutionJob } from "../execution-bus/execution-job.js";
import type { JobQueues, Processor } from "../jobs/queue.js";
import { within } from "../lib/deadline.js";
import type { Logger } from "../lib/logger.js";
import { labelsMatch } from "./capabilities.js";
import { runExecutionJob, STOPPING } from "./job-runner.js";
import { Slots } from "./slots.js";

export interface RunnerHostOptions {
  id: string;
  kind: WorkerInfo["kind"];
  queues: JobQueues;
  bus: ExecutionBus;
  /** Every label this runner has (given and automatic). */
  labels: string[];
  concurrency: number;
  workDir: string;
  env: Record<string, string | undefined>;
  logger: Logger;
}

export interface RunnerHost {
  info(): WorkerInfo;
  /** Stops taking jobs, gives running ones `graceMs` to end, then stops them (they fail). */
  stop(graceMs?: number): Promise<void>;
}

const REFRESH_QUEUES_MS = 10_000;

/** Starts a runner over `options.queues` and `options.bus`. */
export function startRunnerHost(options: RunnerHostOptions): RunnerHost {
  const { bus, logger } = options;
  const processors = new Map<string, Processor>();
  const running = new Map<string, AbortController>();
  const jobsDone = new Set<Promise<unknown>>();
  const startedAt = new Date().toISOString();
  let stopping = false;
  const slots = new Slots(
    options.concurrency,
    () => {
      for (const p of processors.values()) void p.pause();
    },
    () => {
      if (!stopping) for (const p of processors.values()) p.resume();
    },
  );

  const info = (): WorkerInfo => ({
    id: options.id,
    kind: options.kind,
    hostname: hostname(),
    pid: process.pid,
    labels: options.labels,
    concurrency: options.concurrency,
    running: running.size,
    startedAt,
  });

  async function handle(job: ExecutionJob): Promise<void> {
    const release = await slots.acquire();
    const controller = new AbortController();
    running.set(job.executionId, controller);
    if (stopping) controller.abort(STOPPING);
    const done = runExecutionJob(job, {
      workerId: options.id,
      workDir: options.workDir,
      channel: bus.runner,
      env: options.env,
      signal: controller.signal,
    });
    jobsDone.add(done);
    try {
      await done;
    } catch (error) {
      logger.error({ err: error, executionId: job.executionId }, "execution job failed to report");
    } finally {
      jobsDone.delete(done);
      running.delete(job.executionId);
      release();
    }
  }

  async function refreshQueues(): Promise<void> {
    if (stopping) return;
    const queues = await bus.labelQueues();
    for (const [name, required] of queues) {
      if (processors.has(name) || !labelsMatch(options.labels, required)) continue;
      const processor = options.queues.process<ExecutionJob>(name, (job) => handle(job.data), {
        concurrency: options.concurrency,
        onStall: "fail",
      });
      if (slots.used >= slots.size) void processor.pause();
      processors.set(name, processor);
    }
  }
  const refresh = () => void refreshQueues().catch((error) => logger.warn({ err: error }, "runner: queue list failed"));

  const stopCancel = bus.onCancel((executionId) => running.get(executionId)?.abort("cancelled"));
  const stopLabels = bus.onLabelQueue(refresh);
  const beat = () => void bus.heartbeat(info()).catch((error) => logger.debug({ err: error }, "heartbeat failed"));
  refresh();
  beat();
  const timers = [setInterval(beat, HEARTBEAT_MS), setInterval(refresh, REFRESH_QUEUES_MS)];
  for (const timer of timers) timer.unref();

  return {
    info,
    async stop(graceMs = 10_000) {
      if (stopping) return;
      stopping = true;
      for (const timer of timers) clearInterval(timer);
      stopLabels();
      await within(Promise.all([...processors.values()].map((p) => p.pause())), 2000);
      const grace = setTimeout(() => {
        for (const controller of running.values()) controller.abort(STOPPING);
      }, graceMs);
      await Promise.allSettled([...jobsDone]);
      clearTimeout(grace);
      // Bounded: with Redis gone, closing would wait for it forever.
      await within(Promise.allSettled([...processors.values()].map((p) => p.close())), 5000);
      stopCancel();
      await within(bus.dropWorker(options.id), 2000);
    },
  };
}
