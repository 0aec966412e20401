/** The execution bus inside one process (no REDIS_URL): runner and API node are the same process. */
import { EventEmitter, on } from "node:events";
import { type EventConsumer, type ExecutionBus, type OutputEntry, queueNameFor, type WorkerInfo } from "./bus.js";
import type { ExecutionEvent, OutputChunk } from "./execution-job.js";

interface Log {
  chunks: OutputChunk[];
  end?: { final: unknown };
  emitter: EventEmitter;
}

// A finished log stays this long for late subscribers; after that they read the database.
const KEEP_ENDED_MS = 60_000;

/** Creates the in-process bus. */
export function createMemoryBus(): ExecutionBus {
  const logs = new Map<string, Log>();
  const cancels = new EventEmitter();
  const cancelled = new Set<string>();
  const workers = new Map<string, { info: WorkerInfo; at: string }>();
  let delivered: Promise<unknown> = Promise.resolve();
  let consumer: ((event: ExecutionEvent) => Promise<void>) | null = null;

  const logOf = (id: string) => {
    const log = logs.get(id) ?? { chunks: [], emitter: new EventEmitter().setMaxListeners(0) };
    logs.set(id, log);
    return log;
  };

  return {
    kind: "memory",
    runner: {
      appendOutput(executionId, chunks) {
        const log = logOf(executionId);
        log.chunks.push(...chunks);
        log.emitter.emit("entry");
      },
      async publish(event) {
        // Delivered in order, like a stream: each handler call waits for the previous one.
        const next = delivered.then(() => consumer?.(event)).catch(() => undefined);
        delivered = next;
        await next;
      },
      async isCancelRequested(executionId) {
        return cancelled.has(executionId);
      },
    },
    async requestCancel(executionId) {
      cancelled.add(executionId);
      setTimeout(() => cancelled.delete(executionId), 24 * 3600_000).unref();
      cancels.emit("cancel", executionId);
    },
    onCancel(handler) {
      cancels.on("cancel", handler);
      return () => cancels.off("cancel", handler);
    },
    async readOutput(executionId, afterSeq) {
      return (logs.get(executionId)?.chunks ?? []).filter((c) => c.seq > afterSeq);
    },
    async endOutput(executionId, final) {
      const log = logOf(executionId);
      log.end = { final };
      log.emitter.emit("entry");
      setTimeout(() => logs.delete(executionId), KEEP_ENDED_MS).unref();
    },
    async *watchOutput(executionId, afterSeq, signal): AsyncIterable<OutputEntry> {
      const log = logOf(executionId);
      let last = afterSeq;
      const wakeups = on(log.emitter, "entry", { signal });
      try {
        while (!signal.aborted) {
          for (const chunk of log.chunks) {
            if (chunk.seq <= last) continue;
            last = chunk.seq;
            yield { kind: "chunk", chunk };
          }
          if (log.end) {
            yield { kind: "end", final: log.end.final };
            return;
          }
          await wakeups.next();
        }
      } catch (error) {
        if (!signal.aborted) throw error;
      } finally {
        await wakeups.return?.();
      }
    },
    consumeEvents(_name, handler): EventConsumer {
      consumer = handler;
      return {
        caughtUpAt: () => Date.now(),
        async stop() {
          consumer = null;
        },
      };
    },
    async heartbeat(info) {
      workers.set(info.id, { info, at: new Date().toISOString() });
    },
    async dropWorker(id) {
      workers.delete(id);
    },
    async listWorkers() {
      return [...workers.values()].map(({ info, at }) => ({ ...info, lastHeartbeatAt: at, online: true }));
    },
    // One process runs every job here: the labels were checked against its own when the job was added.
    async queueFor() {
      return queueNameFor([]);
    },
    async labelQueues() {
      return new Map([["executions", []]]);
    },
    onLabelQueue: () => () => undefined,
    async close() {
      cancels.removeAllListeners();
    },
  };
}
