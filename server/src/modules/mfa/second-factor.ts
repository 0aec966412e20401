/**
 * Checking a second factor: a TOTP code of the confirmed factor, accepted at most once
 * (RFC 6238 §5.2), or an unused recovery code. Shared by sign-in and the factor settings.
 */
import type { Context } from "../../context.js";
import type { Tx } from "../../db/database.js";
import { spendRecoveryCode } from "./recovery-codes.js";
import { matchTotp } from "./totp.js";

type Deps = Pick<Context, "auth" | "config" | "clock">;

/** What the user typed: a code from the authenticator app, or a recovery code. */
export type SecondFactorProof = { code: string; recoveryCode?: undefined } | { code?: undefined; recoveryCode: string };

export type ProofOutcome = "ok" | "wrong_code" | "replayed_code" | "wrong_recovery_code";

/** The RFC 6238 step a code matches under the sealed secret, or null. */
export function stepOf(deps: Deps, secretEncrypted: string, code: string): Promise<number | null> {
  const secret = deps.auth.ring.decrypt(secretEncrypted);
  return matchTotp(secret, code, deps.clock.now(), deps.config.auth.mfa.driftSteps);
}

/**
 * Claims `step` for the user's factor with a compare-and-set
 * (`UPDATE mfa_factors SET lastUsedStep = $step WHERE userId = $1 AND (lastUsedStep IS NULL OR lastUsedStep < $step)`):
 * of two requests presenting the same code, exactly one wins, even concurrently.
 */
export async function claimStep(tx: Tx, userId: string, step: number, confirmed = true): Promise<boolean> {
  const claimed = await tx.mfaFactor.updateMany({
    where: {
      userId,
      confirmedAt: confirmed ? { not: null } : null,
      OR: [{ lastUsedStep: null }, { lastUsedStep: { lt: BigInt(step) } }],
    },
    data: { lastUsedStep: BigInt(step) },
  });
  return claimed.count === 1;
}

/** Checks and consumes a proof inside `tx`; a failed outcome has written nothing. */
export async function acceptProof(
  tx: Tx,
  deps: Deps,
  factor: { userId: string; secretEncrypted: string },
  proof: SecondFactorProof,
): Promise<ProofOutcome> {
  if (proof.recoveryCode !== undefined) {
    const spent = await spendRecoveryCode(tx, factor.userId, proof.recoveryCode, deps.clock.now());
    return spent ? "ok" : "wrong_recovery_code";
  }
  const step = await stepOf(deps, factor.secretEncrypted, proof.code);
  if (step === null) return "wrong_code";
  return (await claimStep(tx, factor.userId, step)) ? "ok" : "replayed_code";
}
