/**
 * Background clean-up of expired credentials: refresh tokens and reset tokens past their
 * expiry, sessions that ended (expired or revoked) longer ago than the retention, so
 * admins still see recent revocations while the tables stay small, and sign-in failures of
 * an address that has been quiet (and unlocked) for a week.
 */
import type { Deps } from "../../context.js";

/** How long an ended session stays listable for admins. */
export const ENDED_SESSION_RETENTION_DAYS = 30;

/** How long an address's failures (and its lockout escalation) are remembered after the last one. */
export const LOGIN_FAILURE_RETENTION_DAYS = 7;

export interface CleanupReport {
  refreshTokens: number;
  resetTokens: number;
  sessions: number;
  loginFailures: number;
}

/** Deletes what expired; safe to run concurrently on several instances. */
export async function cleanupExpiredCredentials(deps: Pick<Deps, "db" | "clock">): Promise<CleanupReport> {
  const now = deps.clock.now();
  const retention = new Date(now.getTime() - ENDED_SESSION_RETENTION_DAYS * 24 * 3600 * 1000);
  const prisma = deps.db.prisma;
  const refreshTokens = await prisma.refreshToken.deleteMany({ where: { expiresAt: { lt: now } } });
  const resetTokens = await prisma.passwordResetToken.deleteMany({
    where: { OR: [{ expiresAt: { lt: now } }, { usedAt: { not: null } }] },
  });
  const sessions = await prisma.session.deleteMany({
    where: { OR: [{ expiresAt: { lt: retention } }, { revokedAt: { lt: retention } }] },
  });
  const quiet = new Date(now.getTime() - LOGIN_FAILURE_RETENTION_DAYS * 24 * 3600 * 1000);
  const loginFailures = await prisma.loginFailure.deleteMany({
    where: { updatedAt: { lt: quiet }, OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }] },
  });
  return {
    refreshTokens: refreshTokens.count,
    resetTokens: resetTokens.count,
    sessions: sessions.count,
    loginFailures: loginFailures.count,
  };
}
