/**
 * `assay worker`: a process that takes execution jobs from BullMQ, on this machine or another,
 * and runs them. It needs only REDIS_URL: output, results and heartbeats go back through Redis
 * and the API nodes persist them. Nothing here imports the database.
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { createRedisBus } from "./execution-bus/redis-bus.js";
import { createBullmqQueues } from "./jobs/bullmq-queue.js";
import type { Logger } from "./lib/logger.js";
import { automaticLabels, normaliseLabels } from "./runner/capabilities.js";
import { startRunnerHost } from "./runner/runner-host.js";
import { spawner } from "./runner/spawner.js";
import type { WorkerConfig } from "./worker-config.js";

export interface RunningWorker {
  id: string;
  labels: string[];
  /** Stops taking jobs; running ones get `graceMs` to finish, then they are stopped (and fail). */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a worker with `labels` (automatic ones added: os:…, executor:…). */
export async function startWorker(
  config: WorkerConfig,
  options: { labels: string[]; concurrency?: number; logger: Logger },
): Promise<RunningWorker> {
  const { logger } = options;
  const id = randomUUID();
  const labels = normaliseLabels([...options.labels, ...automaticLabels()]);
  const prefix = config.executions.queuePrefix;
  await mkdir(config.executions.workDir, { recursive: true, mode: 0o700 });
  const queues = createBullmqQueues({ url: config.redisUrl, prefix, logger });
  const bus = createRedisBus({ url: config.redisUrl, prefix, logger, role: "worker" });
  // A worker exists to run processes: its spawner starts now, not with the first job.
  spawner.warmUp();
  const host = startRunnerHost({
    id,
    kind: "worker",
    queues,
    bus,
    labels,
    concurrency: options.concurrency ?? config.executions.concurrency,
    workDir: config.executions.workDir,
    env: process.env,
    logger,
  });
  logger.info({ workerId: id, labels, concurrency: host.info().concurrency, prefix }, "worker started");
  return {
    id,
    labels,
    async stop(graceMs) {
      await host.stop(graceMs);
      await queues.close();
      await bus.close();
      logger.info({ workerId: id }, "worker stopped");
    },
  };
}
