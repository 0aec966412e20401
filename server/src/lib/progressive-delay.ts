/**
 * A progressive delay per key (an account's email): the first `threshold` failures within
 * the window cost nothing; after that at most one attempt is evaluated per turn, and each
 * further failure doubles the turn (1 s, 2 s, 4 s...) up to `maxSeconds`. Attempts between
 * turns are refused with RATE_LIMITED and a Retry-After, without being evaluated or counted,
 * so the wait never grows past `maxSeconds` however many are refused: a slowdown, never a
 * lockout. Counters live where the rate limits do (memory, or Redis shared by instances).
 */
import type { Redis } from "ioredis";
import { RateLimiterRes } from "rate-limiter-flexible";
import { type Limiter, limiterFor, RateLimitedError } from "./rate-limits.js";

export interface DelayPolicy {
  threshold: number;
  windowSeconds: number;
  maxSeconds: number;
}

/** An attempt that was let through: `forgive()` it unless it turned out to be a failure. */
export interface Turn {
  forgive(): Promise<void>;
}

const retryAfter = (res: RateLimiterRes) => new RateLimitedError(Math.max(1, Math.ceil(res.msBeforeNext / 1000)));

export class ProgressiveDelay {
  /** Failures (and attempts still being evaluated) in the window. */
  readonly #attempts: Limiter;
  /** The current turn: held by one evaluated attempt until it expires. */
  readonly #turns: Limiter;

  constructor(
    name: string,
    private readonly policy: DelayPolicy,
    redis?: Redis,
  ) {
    this.#attempts = limiterFor(
      `${name}:attempts`,
      { points: Number.MAX_SAFE_INTEGER, durationSeconds: policy.windowSeconds },
      redis,
    );
    this.#turns = limiterFor(`${name}:turn`, { points: 1, durationSeconds: 1 }, redis);
  }

  /** The wait after `excess` failures beyond the threshold. */
  waitSeconds(excess: number): number {
    return Math.min(2 ** Math.max(0, excess - 1), this.policy.maxSeconds);
  }

  /**
   * Counts an attempt on `key` (as a failure until forgiven) and lets it through, or throws
   * RateLimitedError while another attempt holds the turn.
   */
  async take(key: string): Promise<Turn> {
    const held = await this.#turns.get(key);
    if (held && held.consumedPoints >= 1 && held.msBeforeNext > 0) throw retryAfter(held);
    // Counted before it is evaluated, so a burst of concurrent attempts cannot all slip under the threshold.
    const counted = await this.#attempts.penalty(key, 1);
    const forgive = async () => {
      await this.#attempts.reward(key, 1);
    };
    const excess = counted.consumedPoints - this.policy.threshold;
    if (excess > 0) {
      try {
        await this.#turns.consume(key, 1, { customDuration: this.waitSeconds(excess) });
      } catch (result) {
        await forgive();
        if (result instanceof RateLimiterRes) throw retryAfter(result);
        throw result;
      }
    }
    return { forgive };
  }

  /** Forgets `key`'s failures and any running wait (admin unlock, password reset). */
  async reset(key: string): Promise<void> {
    await Promise.all([this.#attempts.delete(key), this.#turns.delete(key)]);
  }
}
