/**
 * Account lockout: N failed sign-ins within a window lock the account; each consecutive
 * lockout doubles the lock, up to a maximum. A success, or an admin unlock, resets it.
 */
import type { Config } from "../../config.js";

export interface LockoutState {
  failedLoginCount: number;
  failedLoginSince: Date | null;
  lockedUntil: Date | null;
  lockoutLevel: number;
}

export function isLocked(state: Pick<LockoutState, "lockedUntil">, now: Date): boolean {
  return state.lockedUntil !== null && state.lockedUntil > now;
}

/** The state after one more failure, and whether that failure locked the account. */
export function afterFailure(
  state: LockoutState,
  now: Date,
  policy: Config["auth"]["lockout"],
): { next: LockoutState; locked: boolean } {
  const windowOpen =
    state.failedLoginSince !== null && now.getTime() - state.failedLoginSince.getTime() < policy.windowSeconds * 1000;
  const count = windowOpen ? state.failedLoginCount + 1 : 1;
  const since = windowOpen ? state.failedLoginSince : now;
  if (count < policy.threshold) {
    return { next: { ...state, failedLoginCount: count, failedLoginSince: since }, locked: false };
  }
  const seconds = Math.min(policy.durationSeconds * 2 ** state.lockoutLevel, policy.maxSeconds);
  return {
    next: {
      failedLoginCount: 0,
      failedLoginSince: null,
      lockedUntil: new Date(now.getTime() + seconds * 1000),
      lockoutLevel: state.lockoutLevel + 1,
    },
    locked: true,
  };
}

export const CLEARED: LockoutState = {
  failedLoginCount: 0,
  failedLoginSince: null,
  lockedUntil: null,
  lockoutLevel: 0,
};
