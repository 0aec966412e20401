/**
 * The job queue of Assay: named queues of jobs, run by processors. BullMQ when REDIS_URL is
 * set (jobs survive a restart and reach `assay worker` processes on other machines),
 * in-process otherwise (zero set-up, jobs live as long as the process). Executions use it
 * now; report rendering, webhook deliveries and mail digests are meant to use it too.
 *
 *   await deps.queues.add("webhooks", "deliver", { deliveryId }, {
 *     jobId: `delivery:${deliveryId}`,                      // idempotency: added once while queued
 *     attempts: 5, backoff: { type: "exponential", delayMs: 1000 },  // 1 s, 2 s, 4 s, 8 s
 *   });
 *   const processor = deps.queues.process("webhooks", async (job) => deliver(job.data), { concurrency: 4 });
 *   await processor.close();                                 // on shutdown: waits for running jobs
 *
 * A handler that throws is run again while attempts remain; data must survive JSON.
 */

export interface JobOptions {
  /** Idempotency key: adding a job whose id is still known (queued, running or kept) does nothing. */
  jobId?: string;
  /** Runs in total, the first included (default 1: no retry). */
  attempts?: number;
  /** Wait between attempts: `delayMs` each time, or doubled after each failure. */
  backoff?: { type: "fixed" | "exponential"; delayMs: number };
  /** Wait this long before the first run. */
  delayMs?: number;
}

export interface Job<T> {
  id: string;
  queue: string;
  name: string;
  data: T;
  /** 1 on the first run. */
  attempt: number;
  /** Runs allowed in total. */
  attempts: number;
}

export type JobHandler<T> = (job: Job<T>) => Promise<void>;

export interface ProcessOptions {
  /** Jobs this processor runs at the same time. */
  concurrency: number;
  /**
   * What happens to a job whose process died mid-run (BullMQ notices the lost lock): `retry`
   * (default) runs it again; `fail` fails it (for work that must never run twice).
   */
  onStall?: "retry" | "fail";
}

/** A running processor of one queue. */
export interface Processor {
  /** Stops taking new jobs; running ones go on. */
  pause(): Promise<void>;
  resume(): void;
  /** Stops taking jobs and waits for the running ones. */
  close(): Promise<void>;
}

export type JobState = "waiting" | "delayed" | "active" | "completed" | "failed" | "unknown";

export interface JobQueues {
  readonly kind: "bullmq" | "memory";
  /** Queues one job; rejects when the queue cannot take it (Redis unreachable). */
  add<T>(queue: string, name: string, data: T, options?: JobOptions): Promise<{ id: string }>;
  /** Runs `handler` for each job of `queue`. */
  process<T>(queue: string, handler: JobHandler<T>, options: ProcessOptions): Processor;
  /** Removes a job that has not started; false when it is running or unknown. */
  remove(queue: string, jobId: string): Promise<boolean>;
  /** Where a job is; `unknown` once it is gone. */
  state(queue: string, jobId: string): Promise<JobState>;
  /** Closes the processors (waiting for running jobs) and the connections. */
  close(): Promise<void>;
}

/** The wait before attempt `attempt + 1` after a failure of attempt `attempt` (1-based). */
export function backoffDelay(backoff: JobOptions["backoff"], attempt: number): number {
  if (!backoff) return 0;
  return backoff.type === "fixed" ? backoff.delayMs : backoff.delayMs * 2 ** (attempt - 1);
}
