/** Password reset by mail: single-use, short-lived tokens, and a reset that ends every session. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import { AppError } from "../../lib/app-error.js";
import { randomToken, sha256 } from "../../lib/crypto.js";
import { passwordResetLink, passwordResetMail } from "../../lib/mail/password-reset-mail.js";
import { recordAudit } from "../audit/audit.js";
import { endSessions } from "../sessions/revocation.js";
import { assertPasswordPolicy } from "./password-policy.js";
import { clearAllFailures, releaseThrottles } from "./sign-in-throttle.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits" | "mailer" | "log" | "background">;

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
 * Mails a reset link when `email` belongs to an active account. The answer comes before any
 * look-up (the work runs in the background), so neither its content nor its timing tells
 * which emails exist; only the rate limits, counted alike for every email, run first.
 */
export async function requestPasswordReset(ctx: Ctx, input: { email: string }): Promise<void> {
  await ctx.limits.consume("resetPerIp", ctx.req.ip ?? "unknown");
  await ctx.limits.consume("resetPerAccount", input.email);
  const now = ctx.clock.now();
  ctx.background.run("password reset request", () => issueResetLink(ctx, input.email, now), ctx.log);
}

/** Issues a reset token for `email`'s active account, if any, and hands its mail to the transport. */
async function issueResetLink(ctx: Ctx, email: string, now: Date): Promise<void> {
  const user = await ctx.db.prisma.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, isActive: true, deletedAt: true },
  });
  if (!user?.isActive || user.deletedAt) return;
  const token = randomToken();
  const expiresAt = new Date(now.getTime() + RESET_TOKEN_TTL_SECONDS * 1000);
  const mail = await ctx.db.prisma.$transaction(async (tx) => {
    // Locks the account row, and gives up if its address changed since the look-up: an email
    // change (which voids open links) then either ran before and wins, or waits and voids this one.
    const still = await tx.$queryRaw<
      unknown[]
    >`SELECT id FROM users WHERE id = ${user.id}::uuid AND email = ${email} FOR UPDATE`;
    if (still.length === 0) return undefined;
    // Only the newest link works: an older mail lying around cannot be used any more.
    const invalidated = await tx.passwordResetToken.updateMany({
      where: { userId: user.id, usedAt: null },
      data: { usedAt: now },
    });
    const row = await tx.passwordResetToken.create({
      data: { userId: user.id, tokenHash: sha256(token), createdAt: now, expiresAt, requestedIp: ctx.req.ip },
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
      link: passwordResetLink(ctx.config.appUrl, token),
      secret: token,
      validMinutes: RESET_TOKEN_TTL_SECONDS / 60,
    });
    return ctx.mailer.enqueue(tx, content);
  });
  await mail?.deliver();
}

/** The live token row behind `token`; AUTH_TOKEN_INVALID / AUTH_TOKEN_EXPIRED otherwise. */
async function liveToken(ctx: Pick<Ctx, "db">, token: string, now: Date) {
  const row = await ctx.db.prisma.passwordResetToken.findUnique({
    where: { tokenHash: sha256(token) },
    select: {
      id: true,
      expiresAt: true,
      usedAt: true,
      user: { select: { id: true, email: true, name: true, isActive: true, deletedAt: true } },
    },
  });
  if (!row || row.usedAt || !row.user.isActive || row.user.deletedAt) throw invalidToken();
  if (row.expiresAt <= now) throw expiredToken();
  return row;
}

/** Throws AUTH_TOKEN_INVALID or AUTH_TOKEN_EXPIRED unless `token` can still reset a password (read-only). */
export async function assertResetTokenLive(ctx: Pick<Ctx, "db" | "clock">, token: string): Promise<void> {
  await liveToken(ctx, token, ctx.clock.now());
}

/**
 * Sets a new password with a reset token: the token is spent, lockout is cleared, and every
 * session of the account ends (whoever held them may be the reason for the reset).
 */
export async function resetPassword(ctx: Ctx, input: { token: string; newPassword: string }): Promise<void> {
  const now = ctx.clock.now();
  const row = await liveToken(ctx, input.token, now);
  const user = row.user;
  await assertPasswordPolicy(input.newPassword, user, "newPassword");
  const passwordHash = await ctx.auth.passwords.hash(input.newPassword);
  let unlocked: string[] = [];
  await endSessions(ctx, {
    where: { userId: user.id },
    reason: "password_reset",
    change: async (tx) => {
      // Compare-and-set: of two concurrent resets with one token, exactly one marks it used.
      const claimed = await tx.passwordResetToken.updateMany({
        where: { id: row.id, usedAt: null },
        data: { usedAt: now },
      });
      if (claimed.count === 0) throw invalidToken();
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } });
      // Whoever holds the mailbox owns the account: every lockout of it ends.
      unlocked = await clearAllFailures(tx, user.id);
    },
    audit: (revoked) => ({
      type: "auth.password_reset.completed",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
      metadata: { tokenId: row.id, revokedSessions: revoked.length },
    }),
  });
  await releaseThrottles(ctx, user.email, unlocked);
}
