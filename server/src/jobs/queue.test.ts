/** The job queue contract, on both implementations: in-process, and BullMQ on the machine's Redis. */
import { afterAll, describe, expect, it } from "vitest";
import { createLogger } from "../lib/logger.js";
import { dropRedisKeys, TEST_REDIS_URL, uniqueQueuePrefix } from "../test-support/redis-kit.js";
import { createBullmqQueues } from "./bullmq-queue.js";
import { createMemoryQueues } from "./memory-queue.js";
import type { Job, JobQueues } from "./queue.js";

const prefix = uniqueQueuePrefix();
afterAll(() => dropRedisKeys(prefix));

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error("condition not met in time");
    await sleep(10);
  }
}

const implementations: [string, () => JobQueues][] = [
  ["in-process", () => createMemoryQueues()],
  ["BullMQ", () => createBullmqQueues({ url: TEST_REDIS_URL, prefix, logger: createLogger("silent") })],
];

describe.each(implementations)("job queue (%s)", (_name, create) => {
  it("runs added jobs with their data, and retries a failing one with exponential backoff", async () => {
    const queues = create();
    const queue = `retry-${Math.random()}`;
    const runs: { attempt: number; at: number }[] = [];
    const processor = queues.process<{ n: number }>(
      queue,
      async (job) => {
        runs.push({ attempt: job.attempt, at: Date.now() });
        if (job.attempt < 3) throw new Error("not yet");
        expect(job.data).toEqual({ n: 7 });
      },
      { concurrency: 1 },
    );
    await queues.add(queue, "work", { n: 7 }, { attempts: 3, backoff: { type: "exponential", delayMs: 100 } });
    await until(() => runs.length === 3);
    expect(runs.map((r) => r.attempt)).toEqual([1, 2, 3]);
    // 100 ms, then 200 ms.
    expect((runs[1]?.at ?? 0) - (runs[0]?.at ?? 0)).toBeGreaterThanOrEqual(90);
    expect((runs[2]?.at ?? 0) - (runs[1]?.at ?? 0)).toBeGreaterThanOrEqual(190);
    await processor.close();
    await queues.close();
  });

  it("adds a job id once, honours the concurrency, and removes a job that has not started", async () => {
    const queues = create();
    const queue = `conc-${Math.random()}`;
    let running = 0;
    let peak = 0;
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const processor = queues.process<null>(
      queue,
      async (job: Job<null>) => {
        running++;
        peak = Math.max(peak, running);
        seen.push(job.id);
        await gate;
        running--;
      },
      { concurrency: 2 },
    );
    for (const id of ["a", "b", "c", "d"]) await queues.add(queue, "w", null, { jobId: id });
    await queues.add(queue, "w", null, { jobId: "a" });
    await until(() => running === 2);
    await sleep(100);
    expect(peak).toBe(2);
    const waiting = ["a", "b", "c", "d"].filter((id) => !seen.includes(id));
    expect(await queues.state(queue, waiting[0] as string)).toBe("waiting");
    expect(await queues.remove(queue, waiting[0] as string)).toBe(true);
    expect(await queues.remove(queue, seen[0] as string)).toBe(false);
    release();
    await until(() => seen.length === 3);
    await sleep(100);
    expect(seen.sort()).toEqual(["a", "b", "c", "d"].filter((id) => id !== waiting[0]));
    expect(peak).toBe(2);
    await until(async () => (await queues.state(queue, seen[0] as string)) === "completed");
    await processor.close();
    await queues.close();
  });

  it("delays a job", async () => {
    const queues = create();
    const queue = `delay-${Math.random()}`;
    const added = Date.now();
    let ranAt = 0;
    const processor = queues.process(
      queue,
      async () => {
        ranAt = Date.now();
      },
      { concurrency: 1 },
    );
    await queues.add(queue, "later", {}, { delayMs: 300 });
    await until(() => ranAt > 0);
    expect(ranAt - added).toBeGreaterThanOrEqual(280);
    await processor.close();
    await queues.close();
  });
});
