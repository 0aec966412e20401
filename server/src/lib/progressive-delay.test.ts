/**
 * The progressive delay on its own, in memory and (where TEST_REDIS_URL is set) in Redis:
 * free attempts up to the threshold, then one evaluated attempt per turn, turns doubling up
 * to the maximum, refused attempts not counted, forgiven attempts not counted, and a burst
 * of concurrent attempts held to the same budget.
 */
import { randomUUID } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { ProgressiveDelay } from "./progressive-delay.js";
import { RateLimitedError } from "./rate-limits.js";

const redisUrl = process.env.TEST_REDIS_URL;
const stores: [string, () => Redis | undefined][] = [["memory", () => undefined]];
let redis: Redis | undefined;
if (redisUrl) stores.push(["redis", () => (redis ??= new Redis(redisUrl, { maxRetriesPerRequest: 1 }))]);

afterAll(() => redis?.disconnect());

/** "ok" when the attempt was let through, else the Retry-After it was refused with. */
async function outcome(delay: ProgressiveDelay, key: string): Promise<"ok" | number> {
  try {
    await delay.take(key);
    return "ok";
  } catch (error) {
    if (error instanceof RateLimitedError) return error.retryAfterSeconds;
    throw error;
  }
}

describe.each(stores)("progressive delay (%s)", (_, store) => {
  // A prefix of its own, so runs sharing one Redis never collide.
  const delayOf = (maxSeconds = 4) =>
    new ProgressiveDelay(`test-${randomUUID()}`, { threshold: 3, windowSeconds: 60, maxSeconds }, store());

  it("lets the threshold through, then one attempt per doubling turn, refused ones uncounted", async () => {
    const delay = delayOf();
    const results: ("ok" | number)[] = [];
    for (let i = 0; i < 6; i++) results.push(await outcome(delay, "ann@example.com"));
    // 3 free, the 4th takes a 1 s turn; the rest wait for it without growing it.
    expect(results).toEqual(["ok", "ok", "ok", "ok", 1, 1]);
    expect(await outcome(delay, "bob@example.com")).toBe("ok");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await outcome(delay, "ann@example.com")).toBe("ok"); // the 5th failure: a 2 s turn
    expect(await outcome(delay, "ann@example.com")).toBe(2);
    expect(delay.waitSeconds(20)).toBe(4);
  });

  it("does not count forgiven attempts (successes)", async () => {
    const delay = delayOf();
    for (let i = 0; i < 10; i++) await (await delay.take("carol@example.com")).forgive();
    expect(await outcome(delay, "carol@example.com")).toBe("ok");
  });

  it("holds a concurrent burst to the threshold plus one turn", async () => {
    const delay = delayOf();
    const burst = await Promise.all(Array.from({ length: 30 }, () => outcome(delay, "dave@example.com")));
    expect(burst.filter((r) => r === "ok")).toHaveLength(4);
  });

  it("reset ends the wait", async () => {
    const delay = delayOf();
    for (let i = 0; i < 5; i++) await outcome(delay, "erin@example.com");
    expect(await outcome(delay, "erin@example.com")).toBeTypeOf("number");
    await delay.reset("erin@example.com");
    expect(await outcome(delay, "erin@example.com")).toBe("ok");
  });
});
