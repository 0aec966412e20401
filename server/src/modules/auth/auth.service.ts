/** Sign-up, sign-in, sign-out and password change: the rules of the accounts module. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { User } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { recordAudit } from "../audit/audit.js";
import { hasConfirmedFactor, type LoginResult, openMfaChallenge } from "../mfa/mfa-login.service.js";
import { endSessions } from "../sessions/revocation.js";
import { toUser, type UserRow } from "./auth.schemas.js";
import { assertPasswordPolicy } from "./password-policy.js";
import { openSession, type TokenPair } from "./session-tokens.js";
import { addressOf, clearAddressFailures, isAddressLocked, pairKey, recordAddressFailure } from "./sign-in-throttle.js";

type Ctx = Pick<Context, "auth" | "config" | "clock" | "db" | "req" | "limits">;

const invalidCredentials = () => new AppError("AUTH_INVALID_CREDENTIALS", "Invalid email or password");

/** Creates an account (when registration is open) and signs it in. */
export async function register(ctx: Ctx, input: { email: string; password: string; name: string }): Promise<TokenPair> {
  if (!ctx.config.auth.registrationOpen) throw new AppError("FORBIDDEN", "Registration is closed on this server");
  await ctx.limits.consume("registerPerIp", ctx.req.ip ?? "unknown");
  await assertPasswordPolicy(input.password, input);
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

/** An account whose password was just verified (active, not locked for this address). */
export interface PasswordChecked {
  user: User & { passwordHash: string };
  /** A new hash when the stored one uses outdated parameters. */
  rehash: string | undefined;
}

/**
 * The password step of every sign-in door (auth.login, the OAuth pages). Unknown email, wrong
 * password, a locked address or a deactivated account all answer the same error after the
 * same work (one Argon2 verification). Failures lock only the address they came from; across
 * addresses they slow the account down (sign-in-throttle.ts). `audit` tags the failure events.
 */
export async function checkPassword(
  ctx: Ctx,
  input: { email: string; password: string },
  audit: Record<string, string> = {},
): Promise<PasswordChecked> {
  const ip = addressOf(ctx);
  await ctx.limits.consume("loginPerIp", ip);
  await ctx.limits.consume("loginPerAccount", pairKey(input.email, ip));
  const origin = originOf(ctx);
  const found = await ctx.db.prisma.user.findUnique({ where: { email: input.email } });
  const user = found && !found.deletedAt && found.passwordHash ? found : null;
  const failed = async (reason: string) => {
    await recordAudit(ctx.db.prisma, origin, {
      type: "auth.login.failed",
      ...(user ? { targetType: "user", targetId: user.id } : {}),
      metadata: { ...audit, email: input.email, reason },
    });
    return invalidCredentials();
  };
  if (user && (await isAddressLocked(ctx.db.prisma, ctx, user.id))) {
    // Refused before taking a turn, so a locked-out address cannot slow the owner down.
    await ctx.auth.passwords.burn(input.password);
    throw await failed("locked");
  }
  // Throws RATE_LIMITED while failures from many addresses slow this email down (known or not alike).
  const turn = await ctx.auth.loginDelay.take(input.email);
  if (!user?.passwordHash) {
    await ctx.auth.passwords.burn(input.password);
    throw await failed("unknown_account");
  }
  if (!(await ctx.auth.passwords.verify(user.passwordHash, input.password))) {
    await ctx.db.prisma.$transaction(async (tx) => {
      await recordAddressFailure(tx, ctx, user.id);
      await recordAudit(tx, origin, {
        type: "auth.login.failed",
        targetType: "user",
        targetId: user.id,
        metadata: { ...audit, email: input.email, reason: "wrong_password" },
      });
    });
    throw invalidCredentials();
  }
  await turn.forgive();
  if (!user.isActive) throw await failed("inactive");
  const rehash = ctx.auth.passwords.needsRehash(user.passwordHash)
    ? await ctx.auth.passwords.hash(input.password)
    : undefined;
  return { user: { ...user, passwordHash: user.passwordHash }, rehash };
}

/** Signs in with email and password (checkPassword), then a session or the second-factor challenge. */
export async function login(ctx: Ctx, input: { email: string; password: string }): Promise<LoginResult> {
  const { user, rehash } = await checkPassword(ctx, input);
  const now = ctx.clock.now();
  if (await hasConfirmedFactor(ctx.db.prisma, user.id)) {
    // Second step due: no session yet, and this address's failures stay until the code is right.
    return ctx.db.prisma.$transaction(async (tx) => {
      if (rehash) await tx.user.update({ where: { id: user.id }, data: { passwordHash: rehash } });
      return openMfaChallenge(tx, ctx, user.id, "password");
    });
  }
  return ctx.db.prisma.$transaction(async (tx) => {
    await clearAddressFailures(tx, ctx, user.id);
    const updated = await tx.user.update({
      where: { id: user.id },
      data: { lastLoginAt: now, ...(rehash ? { passwordHash: rehash } : {}) },
    });
    const pair = await openSession(tx, ctx, updated);
    await recordAudit(tx, originOf(ctx), {
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
export async function logout(ctx: Ctx & { user: AuthUser }): Promise<void> {
  const { user } = ctx;
  await endSessions(ctx, {
    where: { id: user.sessionId },
    reason: "logout",
    audit: () => ({ type: "auth.logout", actorId: user.id, targetType: "session", targetId: user.sessionId }),
  });
}

/** Ends every session of the caller, this one included. */
export async function logoutAll(ctx: Ctx & { user: AuthUser }): Promise<number> {
  const { user } = ctx;
  const ids = await endSessions(ctx, {
    where: { userId: user.id },
    reason: "logout_all",
    audit: (revoked) => ({
      type: "auth.logout_all",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
      metadata: { sessions: revoked.length },
    }),
  });
  return ids.length;
}

/** The caller's own account. */
export async function me(ctx: Ctx & { user: AuthUser }) {
  const { user } = ctx;
  const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  return toUser(row as UserRow);
}

/** Changes the caller's password after checking the current one; other sessions are revoked. */
export async function changePassword(
  ctx: Ctx & { user: AuthUser },
  input: { currentPassword: string; newPassword: string },
): Promise<{ revokedSessions: number }> {
  const { user } = ctx;
  const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  if (!(await ctx.auth.passwords.verify(row.passwordHash, input.currentPassword))) {
    throw new AppError("AUTH_INVALID_CREDENTIALS", "Current password is incorrect", "currentPassword");
  }
  await assertPasswordPolicy(input.newPassword, row, "newPassword");
  if (input.newPassword === input.currentPassword) {
    throw new AppError("VALIDATION", "The new password must differ from the current one", "newPassword");
  }
  const passwordHash = await ctx.auth.passwords.hash(input.newPassword);
  const ids = await endSessions(ctx, {
    where: { userId: user.id, id: { not: user.sessionId } },
    reason: "password_changed",
    change: async (tx, now) => {
      await tx.user.update({ where: { id: user.id }, data: { passwordHash, passwordChangedAt: now } });
      // A reset link mailed before the change must not undo it.
      await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
    },
    audit: (revoked) => ({
      type: "auth.password.changed",
      actorId: user.id,
      targetType: "user",
      targetId: user.id,
      metadata: { revokedSessions: revoked.length },
    }),
  });
  return { revokedSessions: ids.length };
}
