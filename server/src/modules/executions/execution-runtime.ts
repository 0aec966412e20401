/**
 * The execution engine of one API process. Without Redis it is self-contained: the job
 * queue, the bus and a runner all live in this process. With REDIS_URL jobs go through
 * BullMQ to `assay worker` processes and this node only records what they report; every
 * node also reaps executions whose runner was lost.
 */
import { randomUUID } from "node:crypto";
import { mkdir } from "node:fs/promises";
import type { Config } from "../../config.js";
import type { ExecutionRuntime } from "../../context.js";
import type { EventConsumer } from "../../execution-bus/bus.js";
import { createMemoryBus } from "../../execution-bus/memory-bus.js";
import type { JobQueues } from "../../jobs/queue.js";
import { within } from "../../lib/deadline.js";
import type { Logger } from "../../lib/logger.js";
import { automaticLabels, normaliseLabels } from "../../runner/capabilities.js";
import { type RunnerHost, startRunnerHost } from "../../runner/runner-host.js";
import { startReaper } from "./execution-reaper.js";
import { recordEvent } from "./execution-recorder.js";

/** The engine for `config` over `queues` (BullMQ with REDIS_URL, in-process otherwise). */
export async function createExecutionRuntime(
  config: Config,
  queues: JobQueues,
  logger: Logger,
): Promise<ExecutionRuntime> {
  const nodeId = randomUUID();
  const mode = queues.kind === "bullmq" && config.redisUrl ? "redis" : "memory";
  // The Redis bus (and ioredis) loads only in Redis mode.
  const bus =
    mode === "redis"
      ? (await import("../../execution-bus/redis-bus.js")).createRedisBus({
          url: config.redisUrl as string,
          prefix: config.executions.queuePrefix,
          logger,
          role: "api",
        })
      : createMemoryBus();
  const localLabels = mode === "memory" ? normaliseLabels(automaticLabels()) : null;
  let host: RunnerHost | null = null;
  let consumer: EventConsumer | null = null;
  let stopReaper: (() => Promise<void>) | null = null;

  return {
    mode,
    nodeId,
    bus,
    localLabels,
    consumer: () => consumer,
    async start(deps) {
      consumer = bus.consumeEvents(nodeId, (event) => recordEvent(deps, event));
      stopReaper = startReaper(deps);
      if (mode !== "memory" || !config.executions.enabled) return;
      await mkdir(config.executions.workDir, { recursive: true, mode: 0o700 });
      host = startRunnerHost({
        id: nodeId,
        kind: "in-process",
        queues,
        bus,
        labels: localLabels ?? [],
        concurrency: config.executions.concurrency,
        workDir: config.executions.workDir,
        env: process.env,
        logger,
      });
    },
    async stop() {
      // Running in-process executions end as failed (the server stops), and are recorded so.
      await host?.stop(0);
      // Bounded: a round waiting on a Redis that is gone must not hold the shutdown.
      await within(stopReaper?.() ?? Promise.resolve(), 5000);
      await within(consumer?.stop() ?? Promise.resolve(), 5000);
      await bus.close();
    },
  };
}
