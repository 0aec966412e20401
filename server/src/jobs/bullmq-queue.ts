/**
 * The job queue over BullMQ (REDIS_URL set): jobs live in Redis under `<QUEUE_PREFIX>:jobs`,
 * so processes on this or other machines take them and a restart loses nothing.
 */
import { Queue, Worker } from "bullmq";
import { Redis } from "ioredis";
import { orTimeout, within } from "../lib/deadline.js";
import type { Logger } from "../lib/logger.js";
import type { Job, JobHandler, JobOptions, JobQueues, JobState, ProcessOptions, Processor } from "./queue.js";

// BullMQ waits for a connection before each call: with Redis down, a call fails after this instead.
const CALL_TIMEOUT_MS = 3000;

// Finished jobs are kept a while (state() and jobId idempotency), then dropped by BullMQ.
const KEEP_COMPLETED = { age: 3600, count: 10_000 };
const KEEP_FAILED = { age: 7 * 24 * 3600, count: 10_000 };

const toBullState = (state: string): JobState =>
  state === "waiting" || state === "delayed" || state === "active" || state === "completed" || state === "failed"
    ? state
    : state === "prioritized" || state === "waiting-children"
      ? "waiting"
      : "unknown";

/** Closes a BullMQ worker, giving up after a while (with Redis gone a clean close never ends). */
async function closeWorker({ worker, connection }: { worker: Worker; connection: Redis }): Promise<void> {
  await within(worker.close(), 5000);
  connection.disconnect();
}

/** Creates JobQueues on the Redis at `url`; keys start with `<prefix>:jobs`. */
export function createBullmqQueues(options: { url: string; prefix: string; logger: Logger }): JobQueues {
  const prefix = `${options.prefix}:jobs`;
  // Adds fail fast while Redis is down (no offline queue): the caller answers 503 at once.
  const producer = new Redis(options.url, { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000 });
  producer.on("error", (error) => options.logger.debug({ err: error }, "job queue: redis error"));
  const queues = new Map<string, Queue>();
  const processors = new Set<{ worker: Worker; connection: Redis }>();

  const queueOf = (name: string) => {
    let queue = queues.get(name);
    if (!queue) {
      queue = new Queue(name, { connection: producer, prefix });
      queue.on("error", (error) => options.logger.debug({ err: error, queue: name }, "job queue error"));
      queues.set(name, queue);
    }
    return queue;
  };

  return {
    kind: "bullmq",
    async add(queue, name, data, jobOptions: JobOptions = {}) {
      const adding = queueOf(queue).add(name, data, {
        ...(jobOptions.jobId ? { jobId: jobOptions.jobId } : {}),
        attempts: Math.max(1, jobOptions.attempts ?? 1),
        ...(jobOptions.backoff
          ? { backoff: { type: jobOptions.backoff.type, delay: jobOptions.backoff.delayMs } }
          : {}),
        ...(jobOptions.delayMs ? { delay: jobOptions.delayMs } : {}),
        removeOnComplete: KEEP_COMPLETED,
        removeOnFail: KEEP_FAILED,
      });
      const job = await orTimeout(adding, CALL_TIMEOUT_MS, "Adding a job");
      return { id: String(job.id) };
    },
    process<T>(queue: string, handler: JobHandler<T>, processOptions: ProcessOptions): Processor {
      // Workers block on Redis: each gets its own connection that waits out outages.
      const connection = new Redis(options.url, { maxRetriesPerRequest: null });
      connection.on("error", (error) => options.logger.debug({ err: error, queue }, "job worker: redis error"));
      const worker = new Worker(
        queue,
        async (job) => {
          const ours: Job<T> = {
            id: String(job.id),
            queue,
            name: job.name,
            data: job.data as T,
            attempt: job.attemptsMade + 1,
            attempts: job.opts.attempts ?? 1,
          };
          await handler(ours);
        },
        {
          connection,
          prefix,
          concurrency: Math.max(1, processOptions.concurrency),
          maxStalledCount: processOptions.onStall === "fail" ? 0 : 1,
        },
      );
      worker.on("error", (error) => options.logger.warn({ err: error, queue }, "job worker error"));
      const entry = { worker, connection };
      processors.add(entry);
      return {
        pause: () => worker.pause(true),
        resume: () => worker.resume(),
        async close() {
          processors.delete(entry);
          await closeWorker(entry);
        },
      };
    },
    async remove(queue, jobId) {
      const state = await orTimeout(queueOf(queue).getJobState(jobId), CALL_TIMEOUT_MS, "Reading a job");
      if (state !== "waiting" && state !== "delayed" && state !== "prioritized") return false;
      return (await orTimeout(queueOf(queue).remove(jobId), CALL_TIMEOUT_MS, "Removing a job")) === 1;
    },
    async state(queue, jobId) {
      return toBullState(await orTimeout(queueOf(queue).getJobState(jobId), CALL_TIMEOUT_MS, "Reading a job"));
    },
    async close() {
      await Promise.allSettled([...processors].map(closeWorker));
      processors.clear();
      await within(Promise.allSettled([...queues.values()].map((q) => q.close())), 2000);
      producer.disconnect();
    },
  };
}
