/** Chooses the job queue: BullMQ when a Redis URL is configured, in-process otherwise. */
import type { Logger } from "../lib/logger.js";
import { createMemoryQueues } from "./memory-queue.js";
import type { JobQueues } from "./queue.js";

/** The job queues for `redisUrl` (BullMQ, keys under `<prefix>:jobs`), or in memory without one. */
export async function createJobQueues(options: {
  redisUrl: string | undefined;
  prefix: string;
  logger: Logger;
}): Promise<JobQueues> {
  if (options.redisUrl) {
    // BullMQ and ioredis load only when Redis is configured: the embedded server never needs them.
    const { createBullmqQueues } = await import("./bullmq-queue.js");
    return createBullmqQueues({ url: options.redisUrl, prefix: options.prefix, logger: options.logger });
  }
  return createMemoryQueues((error, job) =>
    options.logger.warn({ err: error, queue: job.queue, jobId: job.id }, "job failed after its last attempt"),
  );
}
