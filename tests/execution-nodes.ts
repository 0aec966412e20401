/**
 * For the execution tests across processes: `assay worker` processes (given only REDIS_URL and
 * QUEUE_PREFIX, nothing of the server), a scratch PostgreSQL database that several API nodes
 * share, a private redis-server that a test may stop, and the clean-up of a prefix's keys.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer } from "node:net";
import { createInterface } from "node:readline";
import { Redis } from "ioredis";
import pg from "pg";
import { assayCommand, SERVER_DIR } from "./support/server.js";

export const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
const ADMIN_DATABASE_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";

export interface WorkerProcess {
  id: string;
  labels: string[];
  child: ChildProcess;
  output(): string;
  /** SIGTERM, and wait for the exit. */
  stop(): Promise<void>;
}

const children = new Set<ChildProcess>();
process.once("exit", () => {
  for (const child of children) child.kill("SIGKILL");
});

/** Starts `assay worker --labels …` and resolves once it logged "worker started". */
export function startWorker(options: { redisUrl?: string; prefix: string; labels: string[]; concurrency?: number }) {
  const args = [...assayCommand(), "worker", "--labels", options.labels.join(",")];
  if (options.concurrency) args.push("--concurrency", String(options.concurrency));
  const child = spawn(process.execPath, args, {
    cwd: SERVER_DIR,
    // Only what a worker needs: no database, no keys.
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin",
      HOME: process.env.HOME ?? "/tmp",
      REDIS_URL: options.redisUrl ?? REDIS_URL,
      QUEUE_PREFIX: options.prefix,
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.add(child);
  let raw = "";
  child.stderr?.on("data", (chunk: Buffer) => {
    raw += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => children.delete(child));
  return new Promise<WorkerProcess>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker did not start:\n${raw}`)), 60_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on("line", (line) => {
      raw += `${line}\n`;
      try {
        const log = JSON.parse(line) as { msg?: string; workerId?: string; labels?: string[] };
        if (log.msg !== "worker started") return;
        clearTimeout(timer);
        resolve({
          id: log.workerId as string,
          labels: log.labels ?? [],
          child,
          output: () => raw,
          async stop() {
            if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
            await exited;
          },
        });
      } catch {
        // Not a log line.
      }
    });
    void exited.then(() => reject(new Error(`worker exited:\n${raw}`)));
  });
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: ADMIN_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A new, empty PostgreSQL database for API nodes to share; `drop()` removes it. */
export async function scratchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `assay_exec_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  await admin((c) => c.query(`CREATE DATABASE "${name}"`));
  const url = new URL(ADMIN_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () => admin((c) => c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)).then(() => undefined),
  };
}

/** Deletes every Redis key under `prefix`. */
export async function dropKeys(prefix: string, url = REDIS_URL): Promise<void> {
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

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A redis-server of this test alone (no persistence), which the test may stop. */
export async function privateRedis(): Promise<{ url: string; stop(): Promise<void> }> {
  const port = await freePort();
  const child = spawn(
    "redis-server",
    ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    {
      stdio: "ignore",
    },
  );
  children.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => 50 });
  probe.on("error", () => undefined);
  // The server needs a moment to listen.
  for (let i = 0; ; i++) {
    try {
      await probe.ping();
      break;
    } catch (error) {
      if (i > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  return {
    url,
    async stop() {
      child.kill("SIGKILL");
      await exited;
    },
  };
}
