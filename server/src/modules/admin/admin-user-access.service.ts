/**
 * What an account may do: its role, whether it is active, deleted or locked out. Each change
 * commits with its audit event; a change that alters nothing records nothing. Changes that
 * narrow access drop the account from the session cache so the very next request sees them.
 */
import { originOf } from "../../context.js";
import type { Prisma, User } from "../../generated/prisma/client.js";
import { recordAudit } from "../audit/audit.js";
import { forgetSessions, revokeSessions } from "../auth/auth.service.js";
import { CLEARED, isLocked } from "../auth/lockout.js";
import type { AuthUser } from "../auth/session-guard.js";
import { type AdminUser, toAdminUser } from "./admin.schemas.js";
import { type AdminCtx, assertNotSelf, isDemotion, type Tx, withTarget } from "./target-user.js";

function audit(
  ctx: AdminCtx,
  tx: Tx,
  actor: AuthUser,
  type: string,
  targetId: string,
  metadata?: Prisma.InputJsonObject,
) {
  return recordAudit(tx, originOf(ctx), {
    type,
    actorId: actor.id,
    targetType: "user",
    targetId,
    ...(metadata ? { metadata } : {}),
  });
}

/** Sets the global role; nobody may lower their own. */
export async function setRole(ctx: AdminCtx, actor: AuthUser, id: string, role: User["role"]): Promise<AdminUser> {
  const row = await withTarget(ctx, actor, id, async (tx, target) => {
    if (target.role === role) return target;
    if (isDemotion(target.role, role)) assertNotSelf(actor, target, "lower the role of");
    const updated = await tx.user.update({ where: { id }, data: { role } });
    await audit(ctx, tx, actor, "admin.user.role_changed", id, { from: target.role, to: role });
    return updated;
  });
  ctx.auth.sessions.invalidateUser(id);
  return toAdminUser(row, ctx.clock.now());
}

/** Lets a deactivated account sign in again (its old sessions stay revoked). */
export async function activateUser(ctx: AdminCtx, actor: AuthUser, id: string): Promise<AdminUser> {
  const row = await withTarget(ctx, actor, id, async (tx, target) => {
    if (target.isActive) return target;
    const updated = await tx.user.update({ where: { id }, data: { isActive: true } });
    await audit(ctx, tx, actor, "admin.user.activated", id);
    return updated;
  });
  return toAdminUser(row, ctx.clock.now());
}

/** Blocks sign-in and revokes every session of the account. */
export async function deactivateUser(ctx: AdminCtx, actor: AuthUser, id: string): Promise<AdminUser> {
  const now = ctx.clock.now();
  const { row, revoked } = await withTarget(ctx, actor, id, async (tx, target) => {
    assertNotSelf(actor, target, "deactivate");
    const revoked = await revokeSessions(tx, { userId: id }, "deactivated", now);
    if (!target.isActive && revoked.length === 0) return { row: target, revoked };
    const row = await tx.user.update({ where: { id }, data: { isActive: false } });
    await audit(ctx, tx, actor, "admin.user.deactivated", id, { revokedSessions: revoked.length });
    return { row, revoked };
  });
  forgetSessions(ctx, revoked);
  ctx.auth.sessions.invalidateUser(id);
  return toAdminUser(row, now);
}

/** Soft-deletes and anonymises the account (the row stays for the trail; the email is free again). */
export async function deleteUser(ctx: AdminCtx, actor: AuthUser, id: string): Promise<AdminUser> {
  const now = ctx.clock.now();
  const { row, revoked } = await withTarget(ctx, actor, id, async (tx, target) => {
    assertNotSelf(actor, target, "delete");
    const revoked = await revokeSessions(tx, { userId: id }, "deleted", now);
    await tx.passwordResetToken.deleteMany({ where: { userId: id } });
    const row = await tx.user.update({
      where: { id },
      data: {
        ...CLEARED,
        deletedAt: now,
        isActive: false,
        email: `deleted-${id}@deleted.invalid`,
        name: "Deleted user",
        avatarUrl: null,
        passwordHash: null,
      },
    });
    await audit(ctx, tx, actor, "admin.user.deleted", id, { revokedSessions: revoked.length });
    return { row, revoked };
  });
  forgetSessions(ctx, revoked);
  ctx.auth.sessions.invalidateUser(id);
  return toAdminUser(row, now);
}

/** Ends a lockout and resets the failed-sign-in counters and the per-account sign-in limit. */
export async function unlockUser(ctx: AdminCtx, actor: AuthUser, id: string): Promise<AdminUser> {
  const row = await withTarget(ctx, actor, id, async (tx, target) => {
    const pristine =
      target.failedLoginCount === 0 &&
      target.failedLoginSince === null &&
      target.lockedUntil === null &&
      target.lockoutLevel === 0;
    if (pristine) return target;
    const updated = await tx.user.update({ where: { id }, data: CLEARED });
    await audit(ctx, tx, actor, "admin.user.unlocked", id, { wasLocked: isLocked(target, ctx.clock.now()) });
    return updated;
  });
  await ctx.limits.reset("loginPerAccount", row.email);
  return toAdminUser(row, ctx.clock.now());
}
