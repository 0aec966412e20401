/**
 * API nodes reading runner events from the Redis stream through one consumer group: each
 * event goes to one node, is acknowledged (and deleted) once persisted, and is taken over by
 * another node when the one holding it stops for longer than CLAIM_IDLE_MS.
 */
import type { Redis } from "ioredis";
import type { Logger } from "../lib/logger.js";
import type { EventConsumer } from "./bus.js";
import type { ExecutionEvent } from "./execution-job.js";

const GROUP = "recorders";
const CLAIM_IDLE_MS = 30_000;
const CLAIM_EVERY_MS = 10_000;
// Consumers that hold nothing and have been idle for an hour (stopped nodes) are removed.
const FORGET_IDLE_MS = 3600_000;

type Entries = [id: string, fields: string[]][];

export interface ConsumeOptions {
  cmd: Redis;
  blocking: Redis;
  key: string;
  consumerName: string;
  handler(event: ExecutionEvent): Promise<void>;
  logger: Logger;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts consuming; `stop()` ends the loop and closes `blocking`. */
export function consumeRedisEvents(options: ConsumeOptions): EventConsumer {
  const { cmd, blocking, key, consumerName, logger } = options;
  let stopped = false;
  let caughtUpAt = 0;
  let claimedAt = 0;
  let grouped = false;

  async function handle(entries: Entries): Promise<void> {
    for (const [id, fields] of entries) {
      const raw = fields[fields.indexOf("e") + 1];
      try {
        if (raw) await options.handler(JSON.parse(raw) as ExecutionEvent);
        await cmd.multi().xack(key, GROUP, id).xdel(key, id).exec();
      } catch (error) {
        // Left pending: claimed again after CLAIM_IDLE_MS, by this node or another.
        logger.warn({ err: error, eventId: id }, "execution event not recorded; will retry");
      }
    }
  }

  async function ensureGroup(): Promise<void> {
    try {
      await cmd.xgroup("CREATE", key, GROUP, "0", "MKSTREAM");
    } catch (error) {
      if (!String(error).includes("BUSYGROUP")) throw error;
    }
  }

  async function claimAbandoned(): Promise<void> {
    claimedAt = Date.now();
    const [, entries] = (await cmd.xautoclaim(key, GROUP, consumerName, CLAIM_IDLE_MS, "0-0", "COUNT", 100)) as [
      string,
      Entries,
    ];
    await handle(entries.filter(([, fields]) => fields !== null));
    const consumers = (await cmd.xinfo("CONSUMERS", key, GROUP)) as unknown[][];
    for (const info of consumers) {
      const field = (name: string) => info[info.indexOf(name) + 1];
      if (field("name") !== consumerName && field("pending") === 0 && Number(field("idle")) > FORGET_IDLE_MS) {
        await cmd.xgroup("DELCONSUMER", key, GROUP, String(field("name")));
      }
    }
  }

  const loop = (async () => {
    while (!stopped) {
      try {
        if (!grouped) await ensureGroup();
        grouped = true;
        if (Date.now() - claimedAt > CLAIM_EVERY_MS) await claimAbandoned();
        const reply = (await blocking.xreadgroup(
          "GROUP",
          GROUP,
          consumerName,
          "COUNT",
          100,
          "BLOCK",
          1000,
          "STREAMS",
          key,
          ">",
        )) as [string, Entries][] | null;
        const entries = reply?.[0]?.[1] ?? [];
        if (entries.length === 0) caughtUpAt = Date.now();
        else await handle(entries);
      } catch (error) {
        if (stopped) return;
        // The stream (and its group) may have been deleted: create them again.
        if (String(error).includes("NOGROUP")) grouped = false;
        logger.warn({ err: error }, "execution events: reading Redis failed; retrying");
        await sleep(1000);
      }
    }
  })();

  return {
    caughtUpAt: () => caughtUpAt,
    async stop() {
      stopped = true;
      blocking.disconnect();
      await loop;
    },
  };
}
