/** Sign-up, sign-in, sign-out and password change: the rules of the accounts module. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError } from "../../lib/app-error.js";
import { recordAudit } from "../audit/audit.js";
import { hasConfirmedFactor, type LoginResult, openMfaChallenge } from "../mfa/mfa-login.service.js";
import { toUser, type UserRow } from "./auth.schemas.js";
import { afterFailure, CLEARED, isLocked } from "./lockout.js";
import { assertPasswordPolicy } from "./passwords.js";
import type { AuthUser } from "./session-guard.js";
import { openSession, type TokenPair } from "./session-tokens.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits">;

const invalidCredentials = () => new AppError("AUTH_INVALID_CREDENTIALS", "Invalid email or password");

/** Revokes sessions matching `where` (inside `tx`) and returns their ids for cache invalidation. */
export async function revokeSessions(
  tx: Prisma.TransactionClient,
  where: Prisma.SessionWhereInput,
  reason: string,
  now: Date,
): Promise<string[]> {
  const sessions = await tx.session.findMany({ where: { ...where, revokedAt: null }, select: { id: true } });
  if (sessions.length === 0) return [];
  const ids = sessions.map((s) => s.id);
  await tx.session.updateMany({ where: { id: { in: ids } }, data: { revokedAt: now, revokedReason: reason } });
  return ids;
}

/** Drops revoked sessions from the per-request cache, after the revocation committed. */
export function forgetSessions(ctx: Pick<Context, "auth">, ids: string[]): void {
  for (const id of ids) ctx.auth.sessions.invalidateSession(id);
}

/** Creates an account (when registration is open) and signs it in. */
export async function register(ctx: Ctx, input: { email: string; password: string; name: string }): Promise<TokenPair> {
  if (!ctx.config.auth.registrationOpen) throw new AppError("FORBIDDEN", "Registration is closed on this server");
  await ctx.limits.consume("registerPerIp", ctx.req.ip ?? "unknown");
  assertPasswordPolicy(input.password, input.email);
  const passwordHash = await ctx.auth.passwords.hash(input.password);
  const now = ctx.clock.now();
  return ctx.db.prisma.$transaction(async (tx) => {
    const taken = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (taken) throw new AppError("CONFLICT", "An account with this email already exists", "email");
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, passwordChangedAt: now, lastLoginAt: now },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "auth.registered",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
    });
    return openSession(tx, ctx, user);
  });
}

/**
 * Signs in with email and password. Unknown email, wrong password, locked or deactivated
 * account all answer the same error after the same work (one Argon2 verification).
 */
export async function login(ctx: Ctx, input: { email: string; password: string }): Promise<LoginResult> {
  await ctx.limits.consume("loginPerIp", ctx.req.ip ?? "unknown");
  await ctx.limits.consume("loginPerAccount", input.email);
  const now = ctx.clock.now();
  const user = await ctx.db.prisma.user.findUnique({ where: { email: input.email } });
  const origin = originOf(ctx);
  if (!user || user.deletedAt || !user.passwordHash) {
    await ctx.auth.passwords.burn(input.password);
    await recordAudit(ctx.db.prisma, origin, {
      type: "auth.login.failed",
      metadata: { email: input.email, reason: "unknown_account" },
    });
    throw invalidCredentials();
  }
  const passwordOk = await ctx.auth.passwords.verify(user.passwordHash, input.password);
  const locked = isLocked(user, now);
  if (!passwordOk || locked || !user.isActive) {
    const reason = locked ? "locked" : !passwordOk ? "wrong_password" : "inactive";
    await ctx.db.prisma.$transaction(async (tx) => {
      const failure = !passwordOk && !locked ? afterFailure(user, now, ctx.config.auth.lockout) : undefined;
      if (failure) await tx.user.update({ where: { id: user.id }, data: failure.next });
      await recordAudit(tx, origin, {
        type: "auth.login.failed",
        targetType: "user",
        targetId: user.id,
        metadata: { email: input.email, reason },
      });
      if (failure?.locked) {
        await recordAudit(tx, origin, {
          type: "auth.lockout",
          targetType: "user",
          targetId: user.id,
          metadata: { until: failure.next.lockedUntil?.toISOString() ?? null, level: failure.next.lockoutLevel },
        });
      }
    });
    throw invalidCredentials();
  }
  const rehash = ctx.auth.passwords.needsRehash(user.passwordHash)
    ? await ctx.auth.passwords.hash(input.password)
    : undefined;
  if (await hasConfirmedFactor(ctx.db.prisma, user.id)) {
    // Second step due: no session yet, and the lockout counters stay until the code is right.
    return ctx.db.prisma.$transaction(async (tx) => {
      if (rehash) await tx.user.update({ where: { id: user.id }, data: { passwordHash: rehash } });
      return openMfaChallenge(tx, ctx, user.id, "password");
    });
  }
  return ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { ...CLEARED, lastLoginAt: now, ...(rehash ? { passwordHash: rehash } : {}) },
    });
    const pair = await openSession(tx, ctx, updated);
    await recordAudit(tx, origin, {
      type: "auth.login.succeeded",
      actorId: user.id,
      targetType: "session",
      targetId: pair.sessionId,
      metadata: { method: "password" },
    });
    return pair;
  });
}

/** Ends the caller's own session. */
export async function logout(ctx: Ctx, user: AuthUser): Promise<void> {
  const now = ctx.clock.now();
  const ids = await ctx.db.prisma.$transaction(async (tx) => {
    const revoked = await revokeSessions(tx, { id: user.sessionId }, "logout", now);
    await recordAudit(tx, originOf(ctx), {
      type: "auth.logout",
      actorId: user.id,
      targetType: "session",
      targetId: user.sessionId,
    });
    return revoked;
  });
  forgetSessions(ctx, ids);
}

/** Ends every session of the caller, this one included. */
export async function logoutAll(ctx: Ctx, user: AuthUser): Promise<number> {
  const now = ctx.clock.now();
  const ids = await ctx.db.prisma.$transaction(async (tx) => {
    const revoked = await revokeSessions(tx, { userId: user.id }, "logout_all", now);
    await recordAudit(tx, originOf(ctx), {
      type: "auth.logout_all",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
      metadata: { sessions: revoked.length },
    });
    return revoked;
  });
  forgetSessions(ctx, ids);
  return ids.length;
}

/** The caller's own account. */
export async function me(ctx: Ctx, user: AuthUser) {
  const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  return toUser(row as UserRow);
}

/** Changes the caller's password after checking the current one; other sessions are revoked. */
export async function changePassword(
  ctx: Ctx,
  user: AuthUser,
  input: { currentPassword: string; newPassword: string },
): Promise<{ revokedSessions: number }> {
  const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!(await ctx.auth.passwords.verify(row.passwordHash, input.currentPassword))) {
    throw new AppError("AUTH_INVALID_CREDENTIALS", "Current password is incorrect", "currentPassword");
  }
  assertPasswordPolicy(input.newPassword, row.email, "newPassword");
  if (input.newPassword === input.currentPassword) {
    throw new AppError("VALIDATION", "The new password must differ from the current one", "newPassword");
  }
  const passwordHash = await ctx.auth.passwords.hash(input.newPassword);
  const now = ctx.clock.now();
  const ids = await ctx.db.prisma.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } });
    // A reset link mailed before the change must not undo it.
    await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    const revoked = await revokeSessions(tx, { userId: user.id, id: { not: user.sessionId } }, "password_changed", now);
    await recordAudit(tx, originOf(ctx), {
      type: "auth.password.changed",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
      metadata: { revokedSessions: revoked.length },
    });
    return revoked;
  });
  forgetSessions(ctx, ids);
  return { revokedSessions: ids.length };
}
