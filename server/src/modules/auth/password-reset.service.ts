/** Password reset by mail: single-use, short-lived tokens, and a reset that ends every session. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import { AppError } from "../../lib/app-error.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { passwordResetLink, passwordResetMail } from "../../lib/mail/password-reset-mail.js";
import { recordAudit } from "../audit/audit.js";
import { forgetSessions, revokeSessions } from "./auth.service.js";
import { CLEARED } from "./lockout.js";
import { assertPasswordPolicy } from "./passwords.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits" | "mailer" | "log">;

/**
 * How long a reset link works: long enough to reach the mailbox and be clicked, short
 * enough that a link left in an old mail (or a mail server log) is soon worthless.
 */
export const RESET_TOKEN_TTL_SECONDS = 30 * 60;

const invalidToken = () =>
  new AppError("AUTH_TOKEN_INVALID", "This reset link is invalid or was already used; request a new one", "token");
const expiredToken = () =>
  new AppError("AUTH_TOKEN_EXPIRED", "This reset link has expired; request a new one", "token");

/**
 * Mails a reset link when `email` belongs to an active account. The answer and the work
 * done before it are the same either way, so the endpoint does not reveal which emails exist.
 */
export async function requestPasswordReset(ctx: Ctx, input: { email: string }): Promise<void> {
  await ctx.limits.consume("resetPerIp", ctx.req.ip ?? "unknown");
  await ctx.limits.consume("resetPerAccount", input.email);
  const now = ctx.clock.now();
  const token = randomToken();
  const tokenHash = sha256(token);
  const user = await ctx.db.prisma.user.findUnique({
    where: { email: input.email },
    select: { id: true, email: true, name: true, isActive: true, deletedAt: true },
  });
  if (!user?.isActive || user.deletedAt) {
    // Stand-in for the token transaction below, so both answers cost about the same.
    await ctx.db.prisma.passwordResetToken.findUnique({ where: { tokenHash }, select: { id: true } });
    return;
  }
  const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000);
  const link = passwordResetLink(ctx.config.appUrl, token);
  const mail = await ctx.db.prisma.$transaction(async (tx) => {
    // Only the newest link works: an older mail lying around cannot be used any more.
    const invalidated = await tx.passwordResetToken.updateMany({
      where: { userId: user.id, usedAt: null },
      data: { usedAt: now },
    });
    const row = await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash, createdAt: now, expiresAt, requestedIp: ctx.req.ip },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "auth.password_reset.requested",
      targetType: "user",
      targetId: user.id,
      metadata: { tokenId: row.id, expiresAt: expiresAt.toISOString(), invalidatedTokens: invalidated.count },
    });
    const content = passwordResetMail({
      to: user.email,
      name: user.name,
      link,
      validMinutes: RESET_TOKEN_TTL_SECONDS / 60,
    });
    return ctx.mailer.enqueue(tx, content);
  });
  // Not awaited: SMTP round trips would otherwise tell existing accounts from unknown ones.
  void mail.deliver().catch((err: unknown) => ctx.log.error({ err, mailId: mail.id }, "reset mail delivery failed"));
}

/**
 * Sets a new password with a reset token: the token is spent, lockout is cleared, and every
 * session of the account ends (whoever held them may be the reason for the reset).
 */
export async function resetPassword(ctx: Ctx, input: { token: string; newPassword: string }): Promise<void> {
  const now = ctx.clock.now();
  const row = await ctx.db.prisma.passwordResetToken.findUnique({
    where: { tokenHash: sha256(input.token) },
    select: {
      id: true,
      expiresAt: true,
      usedAt: true,
      user: { select: { id: true, email: true, isActive: true, deletedAt: true } },
    },
  });
  if (!row || row.usedAt || !row.user.isActive || row.user.deletedAt) throw invalidToken();
  if (row.expiresAt <= now) throw expiredToken();
  const user = row.user;
  assertPasswordPolicy(input.newPassword, user.email, "newPassword");
  const passwordHash = await ctx.auth.passwords.hash(input.newPassword);
  const ids = await ctx.db.prisma.$transaction(async (tx) => {
    // Compare-and-set: of two concurrent resets with one token, exactly one marks it used.
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: now },
    });
    if (claimed.count === 0) throw invalidToken();
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now, ...CLEARED } });
    const revoked = await revokeSessions(tx, { userId: user.id }, "password_reset", now);
    await recordAudit(tx, originOf(ctx), {
      type: "auth.password_reset.completed",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
      metadata: { tokenId: row.id, revokedSessions: revoked.length },
    });
    return revoked;
  });
  forgetSessions(ctx, ids);
}
