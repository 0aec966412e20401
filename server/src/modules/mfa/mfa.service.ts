/** The account's own TOTP factor: set-up, confirmation, recovery codes, disabling; and the admin reset. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { withTarget } from "../admin/target-user.js";
import { recordAudit } from "../audit/audit.js";
import { forgetEnrolment, isMfaRequiredFor } from "./mfa-requirement.js";
import { replaceRecoveryCodes } from "./recovery-codes.js";
import { acceptProof, claimStep, stepOf } from "./second-factor.js";
import { newTotpSecret, otpauthUri, qrCodeDataUrl } from "./totp.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits">;

const wrongCode = () => new AppError("AUTH_INVALID_CREDENTIALS", "Invalid authentication code", "code");
const notEnabled = () => new AppError("CONFLICT", "Two-factor authentication is not enabled");

/** Removes every trace of the account's factor (inside `tx`); true when there was one. */
async function removeFactor(tx: Tx, userId: string): Promise<boolean> {
  const removed = await tx.mfaFactor.deleteMany({ where: { userId } });
  await tx.recoveryCode.deleteMany({ where: { userId } });
  await tx.mfaChallenge.deleteMany({ where: { userId } });
  return removed.count > 0;
}

async function confirmedFactorOf(ctx: Ctx, userId: string) {
  const factor = await ctx.db.prisma.mfaFactor.findUnique({ where: { userId } });
  if (!factor?.confirmedAt) throw notEnabled();
  return factor;
}

/** The account's second-factor state. */
export async function status(ctx: Ctx & { user: AuthUser }) {
  const { user } = ctx;
  const factor = await ctx.db.prisma.mfaFactor.findUnique({ where: { userId: user.id } });
  const remaining = factor?.confirmedAt
    ? await ctx.db.prisma.recoveryCode.count({ where: { userId: user.id, usedAt: null } })
    : 0;
  return {
    enabled: Boolean(factor?.confirmedAt),
    pendingSetup: Boolean(factor && !factor.confirmedAt),
    confirmedAt: factor?.confirmedAt?.toISOString() ?? null,
    recoveryCodesRemaining: remaining,
    required: isMfaRequiredFor(ctx, user.role),
  };
}

/** Starts (or restarts) enrolment: a new secret, sealed, unconfirmed until `confirm`. */
export async function setup(ctx: Ctx & { user: AuthUser }) {
  const { user } = ctx;
  const secret = newTotpSecret();
  const secretEncrypted = ctx.auth.ring.encrypt(secret);
  await ctx.db.prisma.$transaction(async (tx) => {
    const existing = await tx.mfaFactor.findUnique({ where: { userId: user.id }, select: { confirmedAt: true } });
    if (existing?.confirmedAt) {
      throw new AppError("CONFLICT", "Two-factor authentication is already enabled; disable it first to start over");
    }
    await tx.mfaFactor.upsert({
      where: { userId: user.id },
      create: { userId: user.id, secretEncrypted },
      update: { secretEncrypted, lastUsedStep: null },
    });
  });
  const uri = otpauthUri(user.email, secret);
  return { secret, otpauthUri: uri, qrCodeDataUrl: await qrCodeDataUrl(uri) };
}

/** Confirms enrolment with a first code; returns the ten recovery codes, shown this once. */
export async function confirm(ctx: Ctx & { user: AuthUser }, input: { code: string }) {
  const { user } = ctx;
  await ctx.limits.consume("mfaPerAccount", user.id);
  const factor = await ctx.db.prisma.mfaFactor.findUnique({ where: { userId: user.id } });
  if (!factor) throw new AppError("CONFLICT", "Start with mfa.setup");
  if (factor.confirmedAt) throw new AppError("CONFLICT", "Two-factor authentication is already enabled");
  const step = await stepOf(ctx, factor.secretEncrypted, input.code);
  if (step === null) throw wrongCode();
  const now = ctx.clock.now();
  const recoveryCodes = await ctx.db.prisma.$transaction(async (tx) => {
    // The confirming code is spent too: it cannot complete a sign-in afterwards.
    if (!(await claimStep(tx, user.id, step, false))) throw wrongCode();
    await tx.mfaFactor.update({ where: { userId: user.id }, data: { confirmedAt: now } });
    const codes = await replaceRecoveryCodes(tx, user.id, now);
    await recordAudit(tx, originOf(ctx), {
      type: "mfa.enabled",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
    });
    return codes;
  });
  return { recoveryCodes };
}

/** Turns the factor off; needs the password (when the account has one) and a code. */
export async function disable(ctx: Ctx & { user: AuthUser }, input: { password?: string | undefined; code: string }) {
  const { user } = ctx;
  await ctx.limits.consume("mfaPerAccount", user.id);
  const account = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  const factor = await confirmedFactorOf(ctx, user.id);
  if (account.passwordHash) {
    if (!input.password) throw new AppError("VALIDATION", "Enter your password", "password");
    if (!(await ctx.auth.passwords.verify(account.passwordHash, input.password))) {
      throw new AppError("AUTH_INVALID_CREDENTIALS", "Password is incorrect", "password");
    }
  }
  const proof = /^\d{6}$/.test(input.code.replace(/\s/g, ""))
    ? { code: input.code.replace(/\s/g, "") }
    : { recoveryCode: input.code };
  await ctx.db.prisma.$transaction(async (tx) => {
    if ((await acceptProof(tx, ctx, factor, proof)) !== "ok") throw wrongCode();
    await removeFactor(tx, user.id);
    await recordAudit(tx, originOf(ctx), {
      type: "mfa.disabled",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
    });
  });
  forgetEnrolment(ctx, user.id);
}

/** Replaces the recovery codes (the old ones stop working) after a fresh TOTP code. */
export async function regenerateRecoveryCodes(ctx: Ctx & { user: AuthUser }, input: { code: string }) {
  const { user } = ctx;
  await ctx.limits.consume("mfaPerAccount", user.id);
  const factor = await confirmedFactorOf(ctx, user.id);
  const recoveryCodes = await ctx.db.prisma.$transaction(async (tx) => {
    if ((await acceptProof(tx, ctx, factor, { code: input.code })) !== "ok") throw wrongCode();
    const codes = await replaceRecoveryCodes(tx, user.id, ctx.clock.now());
    await recordAudit(tx, originOf(ctx), {
      type: "mfa.recovery_regenerated",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
    });
    return codes;
  });
  return { recoveryCodes };
}

/** An admin removes a user's factor (lost device); plain admins cannot touch superusers. */
export async function adminReset(ctx: Ctx & { user: AuthUser }, userId: string) {
  const { user: actor } = ctx;
  const hadFactor = await withTarget(ctx, actor, userId, async (tx, target) => {
    const removed = await removeFactor(tx, target.id);
    await recordAudit(tx, originOf(ctx), {
      type: "mfa.reset_by_admin",
      actorId: actor.id,
      targetType: "user",
      targetId: target.id,
      metadata: { hadFactor: removed },
    });
    return removed;
  });
  forgetEnrolment(ctx, userId);
  return { ok: true as const, hadFactor };
}
