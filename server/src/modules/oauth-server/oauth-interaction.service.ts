/**
 * Signing in on the authorization server's page: the same rules as auth.login and
 * auth.verifyMfa (rate limits per address and account, one Argon2 check whatever the email,
 * lockout per address and slowdown across addresses, the TOTP step through a bound single-use challenge, audit events) but
 * opening no Assay session: the outcome is only "this person is account X" for the grant.
 * Accounts of an MFA_REQUIRED_ROLES role without a confirmed factor cannot authorize.
 */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import { AppError } from "../../lib/app-error.js";
import { recordAudit } from "../audit/audit.js";
import { checkPassword } from "../auth/auth.service.js";
import { clearAddressFailures } from "../auth/sign-in-throttle.js";
import { hasConfirmedFactor, openMfaChallenge, redeemMfaChallenge } from "../mfa/mfa-login.service.js";
import { isMfaRequiredFor } from "../mfa/mfa-requirement.js";
import type { SecondFactorProof } from "../mfa/second-factor.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits">;

// Failure events from these pages say where they came from.
const VIA_OAUTH = { via: "oauth" };

/** After the password: signed in, or a second factor is due (with the challenge to redeem). */
export type PasswordOutcome = { userId: string } | { challenge: string };

/** Audits a completed sign-in on the authorization server's page. */
async function signedIn(tx: Tx, ctx: Ctx, userId: string, method: string): Promise<{ userId: string }> {
  await tx.user.update({ where: { id: userId }, data: { lastLoginAt: ctx.clock.now() } });
  await recordAudit(tx, originOf(ctx), {
    type: "oauth.signed_in",
    actorId: userId,
    targetType: "user",
    targetId: userId,
    metadata: { method },
  });
  return { userId };
}

/** Step 1: email and password, by the rules of auth.login (checkPassword). */
export async function passwordStep(ctx: Ctx, input: { email: string; password: string }): Promise<PasswordOutcome> {
  const { user, rehash } = await checkPassword(ctx, input, VIA_OAUTH);
  if (rehash) await ctx.db.prisma.user.update({ where: { id: user.id }, data: { passwordHash: rehash } });
  if (await hasConfirmedFactor(ctx.db.prisma, user.id)) {
    // This address's failures stay until the second factor is right, as for auth.login.
    const opened = await ctx.db.prisma.$transaction((tx) => openMfaChallenge(tx, ctx, user.id, "oauth_password"));
    return { challenge: opened.challenge };
  }
  if (isMfaRequiredFor(ctx, user.role)) {
    throw new AppError(
      "FORBIDDEN",
      "Your role requires two-factor authentication: set it up in Assay before authorizing applications",
    );
  }
  return ctx.db.prisma.$transaction(async (tx) => {
    await clearAddressFailures(tx, ctx, user.id);
    return signedIn(tx, ctx, user.id, "password");
  });
}

/** What the person typed on the second-factor page: six digits are a TOTP code, anything else a recovery code. */
export function proofOf(typed: string): SecondFactorProof {
  const value = typed.trim();
  return /^\d{6}$/.test(value) ? { code: value } : { recoveryCode: value };
}

/** Step 2: redeems the challenge of step 1 with a TOTP or recovery code, by the rules of auth.verifyMfa. */
export function secondFactorStep(
  ctx: Ctx,
  input: { challenge: string; proof: SecondFactorProof },
): Promise<{ userId: string }> {
  return redeemMfaChallenge(
    ctx,
    { challenge: input.challenge, ...input.proof },
    (tx, { userId, method }) => signedIn(tx, ctx, userId, method),
    VIA_OAUTH,
  );
}
