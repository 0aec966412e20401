/** Chooses the job queue: BullMQ when a Redis URL is configured, in-process otherwise. */
import type { Logger } from "../lib/logger.js";
import { createBullmqQueues } from "./bullmq-queue.js";
import { createMemoryQueues } from "./memory-queue.js";
import type { JobQueues } from "./queue.js";

/** The job queues for `redisUrl` (BullMQ, keys under `<prefix>:jobs`), or in memory without one. */
export function createJobQueues(options: { redisUrl: string | undefined; prefix: string; logger: Logger }): JobQueues {
  if (options.redisUrl)
    return createBullmqQueues({ url: options.redisUrl, prefix: options.prefix, logger: options.logger });
  return createMemoryQueues((error, job) =>
    options.logger.warn({ err: error, queue: job.queue, jobId: job.id }, "job failed after its last attempt"),
  );
}
