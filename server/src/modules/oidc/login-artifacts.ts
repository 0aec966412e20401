/**
 * Clean-up of the short-lived sign-in artifacts: MFA challenges, OIDC login states and
 * exchange codes, once expired or used (for the background job beside cleanupExpiredCredentials).
 */
import type { Deps } from "../../context.js";

export interface LoginArtifactsReport {
  mfaChallenges: number;
  oidcStates: number;
  oidcExchangeCodes: number;
}

/** Deletes what expired or was used; safe to run concurrently on several instances. */
export async function cleanupLoginArtifacts(deps: Pick<Deps, "db" | "clock">): Promise<LoginArtifactsReport> {
  const now = deps.clock.now();
  const spent = { OR: [{ expiresAt: { lt: now } }, { usedAt: { not: null } }] };
  const prisma = deps.db.prisma;
  const [mfaChallenges, oidcStates, oidcExchangeCodes] = [
    await prisma.mfaChallenge.deleteMany({ where: spent }),
    await prisma.oidcLoginState.deleteMany({ where: spent }),
    await prisma.oidcExchangeCode.deleteMany({ where: spent }),
  ];
  return {
    mfaChallenges: mfaChallenges.count,
    oidcStates: oidcStates.count,
    oidcExchangeCodes: oidcExchangeCodes.count,
  };
}
