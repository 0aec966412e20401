/**
 * The in-process job queue (no REDIS_URL): the same contract as BullMQ's, held in memory.
 * Jobs run in the order they became ready; nothing survives the process.
 */
import { randomUUID } from "node:crypto";
import {
  backoffDelay,
  type Job,
  type JobHandler,
  type JobOptions,
  type JobQueues,
  type JobState,
  type ProcessOptions,
  type Processor,
} from "./queue.js";

interface Entry {
  job: Job<unknown>;
  options: JobOptions;
  state: JobState;
  timer?: NodeJS.Timeout;
}

interface Runner {
  queue: string;
  handler: JobHandler<unknown>;
  concurrency: number;
  running: Set<Promise<void>>;
  paused: boolean;
  closed: boolean;
}

// Finished jobs are remembered (for state() and jobId idempotency) up to this many per queue.
const KEEP_FINISHED = 1000;

/** Creates an in-process JobQueues. */
export function createMemoryQueues(onError: (error: unknown, job: Job<unknown>) => void = () => {}): JobQueues {
  const entries = new Map<string, Map<string, Entry>>();
  const ready = new Map<string, Entry[]>();
  const finished = new Map<string, string[]>();
  const runners: Runner[] = [];

  function entriesOf(queue: string): Map<string, Entry> {
    const map = entries.get(queue) ?? new Map<string, Entry>();
    entries.set(queue, map);
    return map;
  }
  function readyOf(queue: string): Entry[] {
    const list = ready.get(queue) ?? [];
    ready.set(queue, list);
    return list;
  }

  function forget(queue: string, id: string) {
    const list = finished.get(queue) ?? [];
    list.push(id);
    finished.set(queue, list);
    while (list.length > KEEP_FINISHED) entriesOf(queue).delete(list.shift() as string);
  }

  function makeReady(queue: string, entry: Entry, delayMs: number) {
    if (delayMs > 0) {
      entry.state = "delayed";
      entry.timer = setTimeout(() => makeReady(queue, entry, 0), delayMs);
      entry.timer.unref();
      return;
    }
    entry.state = "waiting";
    readyOf(queue).push(entry);
    dispatch(queue);
  }

  async function run(runner: Runner, entry: Entry) {
    entry.state = "active";
    try {
      await runner.handler(entry.job);
      entry.state = "completed";
      forget(runner.queue, entry.job.id);
    } catch (error) {
      if (entry.job.attempt < entry.job.attempts) {
        const delay = backoffDelay(entry.options.backoff, entry.job.attempt);
        entry.job = { ...entry.job, attempt: entry.job.attempt + 1 };
        makeReady(runner.queue, entry, delay);
      } else {
        entry.state = "failed";
        onError(error, entry.job);
        forget(runner.queue, entry.job.id);
      }
    }
  }

  function dispatch(queue: string) {
    const list = readyOf(queue);
    for (const runner of runners) {
      if (runner.queue !== queue) continue;
      while (!runner.paused && !runner.closed && runner.running.size < runner.concurrency && list.length > 0) {
        const entry = list.shift() as Entry;
        const task: Promise<void> = run(runner, entry).finally(() => {
          runner.running.delete(task);
          dispatch(queue);
        });
        runner.running.add(task);
      }
    }
  }

  return {
    kind: "memory",
    async add(queue, name, data, options = {}) {
      const id = options.jobId ?? randomUUID();
      const map = entriesOf(queue);
      if (map.has(id)) return { id };
      const entry: Entry = {
        job: { id, queue, name, data: structuredClone(data), attempt: 1, attempts: Math.max(1, options.attempts ?? 1) },
        options,
        state: "waiting",
      };
      map.set(id, entry);
      makeReady(queue, entry, options.delayMs ?? 0);
      return { id };
    },
    process<T>(queue: string, handler: JobHandler<T>, options: ProcessOptions): Processor {
      const runner: Runner = {
        queue,
        handler: handler as JobHandler<unknown>,
        concurrency: Math.max(1, options.concurrency),
        running: new Set(),
        paused: false,
        closed: false,
      };
      runners.push(runner);
      queueMicrotask(() => dispatch(queue));
      return {
        async pause() {
          runner.paused = true;
        },
        resume() {
          runner.paused = false;
          dispatch(queue);
        },
        async close() {
          runner.closed = true;
          runners.splice(runners.indexOf(runner), 1);
          await Promise.allSettled([...runner.running]);
        },
      };
    },
    async remove(queue, jobId) {
      const entry = entriesOf(queue).get(jobId);
      if (!entry || (entry.state !== "waiting" && entry.state !== "delayed")) return false;
      clearTimeout(entry.timer);
      const list = readyOf(queue);
      const at = list.indexOf(entry);
      if (at >= 0) list.splice(at, 1);
      entriesOf(queue).delete(jobId);
      return true;
    },
    async state(queue, jobId) {
      return entriesOf(queue).get(jobId)?.state ?? "unknown";
    },
    async close() {
      for (const map of entries.values()) for (const entry of map.values()) clearTimeout(entry.timer);
      await Promise.allSettled(runners.flatMap((r) => [...r.running]));
      runners.length = 0;
    },
  };
}
