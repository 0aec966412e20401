/**
 * Redis for tests: the machine's Redis (TEST_REDIS_URL, default redis://127.0.0.1:6379), a
 * key prefix unique to each test file, and the clean-up of every key under it.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { type AddressInfo, createServer } from "node:net";
import { Redis } from "ioredis";

export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** A QUEUE_PREFIX no other test run uses. */
export function uniqueQueuePrefix(): string {
  return `assay-test-${randomUUID()}`;
}

/** Deletes every key under `prefix` (after a test file). */
export async function dropRedisKeys(prefix: string, url = TEST_REDIS_URL): Promise<void> {
  const redis = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 500);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}

/** A redis-server of this test alone, on a free port, without persistence; `stop()` kills it. */
export async function privateRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const probe = createServer();
  const port = await new Promise<number>((resolve) =>
    probe.listen(0, "127.0.0.1", () => resolve((probe.address() as AddressInfo).port)),
  );
  await new Promise((resolve) => probe.close(resolve));
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const client = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  client.on("error", () => undefined);
  // The server needs a moment to listen.
  for (let i = 0; ; i++) {
    try {
      await client.ping();
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  client.disconnect();
  return {
    url,
    async stop() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
