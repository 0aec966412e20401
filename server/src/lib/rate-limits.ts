/**
 * Brute-force limits (rate-limiter-flexible): in memory by default, in Redis when
 * REDIS_URL is set (shared by every instance, falling back to memory if Redis fails).
 */
import type { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import type { Config, Rate } from "../config.js";
import { AppError } from "./app-error.js";

export type LimitName = keyof Config["auth"]["rateLimits"];

/** RATE_LIMITED, carrying how long the caller must wait (sent as Retry-After). */
export class RateLimitedError extends AppError {
  constructor(
    readonly retryAfterSeconds: number,
    what = "attempts",
  ) {
    super("RATE_LIMITED", `Too many ${what}; try again in ${retryAfterSeconds} s`);
  }
}

export type Limiter = RateLimiterMemory | RateLimiterRedis;

/** A limiter of `rate` under `assay:rl:<name>`: in Redis when given (memory as insurance), else in memory. */
export function limiterFor(name: string, rate: Rate, redis: Redis | undefined): Limiter {
  const options = { keyPrefix: `assay:rl:${name}`, points: rate.points, duration: rate.durationSeconds };
  if (!redis) return new RateLimiterMemory(options);
  return new RateLimiterRedis({ ...options, storeClient: redis, insuranceLimiter: new RateLimiterMemory(options) });
}

export class RateLimits {
  readonly #limiters = new Map<LimitName, Limiter>();

  constructor(rates: Config["auth"]["rateLimits"], redis?: Redis) {
    for (const [name, rate] of Object.entries(rates) as [LimitName, Rate][]) {
      this.#limiters.set(name, limiterFor(name, rate, redis));
    }
  }

  /** Counts one attempt for `key`; throws RateLimitedError (naming `what` was counted) once the budget is spent. */
  async consume(name: LimitName, key: string, what?: string): Promise<void> {
    const limiter = this.#limiters.get(name);
    if (!limiter) return;
    try {
      await limiter.consume(key);
    } catch (result) {
      if (result instanceof RateLimiterRes) {
        throw new RateLimitedError(Math.max(1, Math.ceil(result.msBeforeNext / 1000)), what);
      }
      throw result;
    }
  }

  /** Clears the count for `key` (e.g. after an admin unlock). */
  async reset(name: LimitName, key: string): Promise<void> {
    await this.#limiters.get(name)?.delete(key);
  }
}
