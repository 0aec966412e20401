/**
 * The lockout policy of one (account, address) pair: N failed sign-ins within a window lock
 * the pair; each consecutive lockout doubles the lock, up to a maximum. A success from that
 * address, a password reset or an admin unlock resets it. Pure: sign-in-throttle.ts stores it.
 */
import type { Config } from "../../config.js";

export interface LockoutState {
  failedCount: number;
  failedSince: Date | null;
  lockedUntil: Date | null;
  lockoutLevel: number;
}

/** True while `state` is locked at `now`. */
export function isLocked(state: Pick<LockoutState, "lockedUntil">, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

/** The state after one more failure, and whether that failure locked the pair. */
export function afterFailure(
  state: LockoutState,
  now: Date,
  policy: Config["auth"]["lockout"],
): { next: LockoutState; locked: boolean } {
  const windowOpen =
    state.failedSince !== null && now.getTime() - state.failedSince.getTime() < policy.windowSeconds * 1000;
  const count = windowOpen ? state.failedCount + 1 : 1;
  const since = windowOpen ? state.failedSince : now;
  if (count < policy.threshold) {
    return { next: { ...state, failedCount: count, failedSince: since }, locked: false };
  }
  const seconds = Math.min(policy.durationSeconds * 2 ** state.lockoutLevel, policy.maxSeconds);
  return {
    next: {
      failedCount: 0,
      failedSince: null,
      lockedUntil: new Date(now.getTime() + seconds * 1000),
      lockoutLevel: state.lockoutLevel + 1,
    },
    locked: true,
  };
}

export const PRISTINE: LockoutState = { failedCount: 0, failedSince: null, lockedUntil: null, lockoutLevel: 0 };
