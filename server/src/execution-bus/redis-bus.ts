/**
 * The execution bus over Redis, every key under `<QUEUE_PREFIX>:exec:`:
 *   out:<id>            stream of an execution's output: chunks under ids 0-<seq>, then the end
 *   events              stream of runner events, read by the consumer group `recorders`
 *   cancel:<id>         cancellation flag (a day), announced on the channel `cancel`
 *   workers, alive:<id> each worker's last heartbeat, and a key that lives WORKER_TTL_MS past it
 *   labelsets           the label sets jobs were queued with, announced on the channel `labelsets`
 * API nodes fail fast when Redis is down (the caller answers 503); workers wait it out.
 */
import { Redis } from "ioredis";
import type { Logger } from "../lib/logger.js";
import { type ExecutionBus, queueNameFor, WORKER_TTL_MS, type WorkerInfo } from "./bus.js";
import type { ExecutionEvent } from "./execution-job.js";
import { consumeRedisEvents } from "./redis-events.js";
import { entryOf, OutputHub } from "./redis-output-hub.js";

// An ended log stays this long for late subscribers; an abandoned one a week.
const ENDED_LOG_SECONDS = 600;
const OPEN_LOG_SECONDS = 7 * 24 * 3600;
const EVENTS_MAXLEN = 100_000;

export interface RedisBusOptions {
  url: string;
  prefix: string;
  logger: Logger;
  /** `api`: commands fail fast while Redis is down; `worker`: they wait for it to come back. */
  role: "api" | "worker";
}

/** Creates the bus over the Redis at `url`. */
export function createRedisBus(options: RedisBusOptions): ExecutionBus {
  const p = `${options.prefix}:exec`;
  const keys = {
    out: (id: string) => `${p}:out:${id}`,
    events: `${p}:events`,
    cancel: (id: string) => `${p}:cancel:${id}`,
    cancelChannel: `${p}:cancel`,
    workers: `${p}:workers`,
    alive: (id: string) => `${p}:alive:${id}`,
    labelsets: `${p}:labelsets`,
    labelsetChannel: `${p}:labelsets`,
  };
  const patient = { maxRetriesPerRequest: null, enableOfflineQueue: true } as const;
  const cmd = new Redis(
    options.url,
    // A command sent just as Redis went away would otherwise wait for it: bounded, it fails (503).
    options.role === "api" ? { maxRetriesPerRequest: 1, enableOfflineQueue: false, commandTimeout: 2000 } : patient,
  );
  const connections: Redis[] = [cmd];
  const connect = () => {
    const connection = new Redis(options.url, patient);
    connection.on("error", (error) => options.logger.debug({ err: error }, "execution bus: redis error"));
    connections.push(connection);
    return connection;
  };
  cmd.on("error", (error) => options.logger.debug({ err: error }, "execution bus: redis error"));
  let hub: OutputHub | null = null;
  let subscriber: Redis | null = null;
  const subscribed = () => {
    subscriber ??= connect();
    return subscriber;
  };
  const listen = (channel: string, handler: (message: string) => void) => {
    const sub = subscribed();
    void sub.subscribe(channel).catch(() => undefined);
    const onMessage = (from: string, message: string) => {
      if (from === channel) handler(message);
    };
    sub.on("message", onMessage);
    return () => {
      sub.off("message", onMessage);
    };
  };

  return {
    kind: "redis",
    runner: {
      appendOutput(executionId, chunks) {
        const key = keys.out(executionId);
        const batch = cmd.multi();
        for (const chunk of chunks) batch.xadd(key, `0-${chunk.seq}`, "s", chunk.stream, "d", chunk.data);
        batch.expire(key, OPEN_LOG_SECONDS);
        batch.exec().catch((error) => options.logger.warn({ err: error, executionId }, "execution output lost"));
      },
      async publish(event: ExecutionEvent) {
        await cmd.xadd(keys.events, "MAXLEN", "~", EVENTS_MAXLEN, "*", "e", JSON.stringify(event));
      },
      async isCancelRequested(executionId) {
        return (await cmd.exists(keys.cancel(executionId))) === 1;
      },
    },
    async requestCancel(executionId) {
      await cmd
        .multi()
        .set(keys.cancel(executionId), "1", "EX", 24 * 3600)
        .publish(keys.cancelChannel, executionId)
        .exec();
    },
    onCancel: (handler) => listen(keys.cancelChannel, handler),
    async readOutput(executionId, afterSeq) {
      const entries = (await cmd.xrange(keys.out(executionId), `(0-${afterSeq}`, "+")) as [string, string[]][];
      return entries.map(entryOf).flatMap((entry) => (entry.kind === "chunk" ? [entry.chunk] : []));
    },
    async endOutput(executionId, final) {
      const key = keys.out(executionId);
      await cmd.multi().xadd(key, "*", "end", JSON.stringify(final)).expire(key, ENDED_LOG_SECONDS).exec();
    },
    watchOutput(executionId, afterSeq, signal) {
      hub ??= new OutputHub(cmd, connect(), options.logger);
      return hub.watch(keys.out(executionId), afterSeq, signal);
    },
    consumeEvents(consumerName, handler) {
      return consumeRedisEvents({
        cmd,
        blocking: connect(),
        key: keys.events,
        consumerName,
        handler,
        logger: options.logger,
      });
    },
    async heartbeat(info: WorkerInfo) {
      const record = JSON.stringify({ ...info, lastHeartbeatAt: new Date().toISOString() });
      await cmd.multi().hset(keys.workers, info.id, record).set(keys.alive(info.id), "1", "PX", WORKER_TTL_MS).exec();
    },
    async dropWorker(id) {
      await cmd.multi().hdel(keys.workers, id).del(keys.alive(id)).exec();
    },
    async listWorkers() {
      const records = await cmd.hgetall(keys.workers);
      const ids = Object.keys(records);
      if (ids.length === 0) return [];
      const alive = await cmd.mget(...ids.map(keys.alive));
      const stale: string[] = [];
      const workers = ids.flatMap((id, i) => {
        const info = JSON.parse(records[id] as string) as WorkerInfo & { lastHeartbeatAt: string };
        // Gone for a day: forgotten.
        if (alive[i] === null && Date.now() - Date.parse(info.lastHeartbeatAt) > 24 * 3600_000) stale.push(id);
        return [{ ...info, online: alive[i] !== null }];
      });
      if (stale.length > 0) await cmd.hdel(keys.workers, ...stale).catch(() => undefined);
      return workers.filter((w) => !stale.includes(w.id));
    },
    async queueFor(labels) {
      const name = queueNameFor(labels);
      if (labels.length > 0 && (await cmd.hsetnx(keys.labelsets, name, JSON.stringify(labels))) === 1) {
        await cmd.publish(keys.labelsetChannel, name);
      }
      return name;
    },
    async labelQueues() {
      const records = await cmd.hgetall(keys.labelsets);
      const map = new Map<string, string[]>([[queueNameFor([]), []]]);
      for (const [name, labels] of Object.entries(records)) map.set(name, JSON.parse(labels) as string[]);
      return map;
    },
    onLabelQueue: (handler) => listen(keys.labelsetChannel, () => handler()),
    async close() {
      hub?.close();
      for (const connection of connections) connection.disconnect();
    },
  };
}
