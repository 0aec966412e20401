/**
 * What an account may do: its role, whether it is active, deleted or locked out. Each change
 * commits with its audit event; a change that alters nothing records nothing. Changes that
 * narrow access drop the account from the session cache so the very next request sees them.
 */
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { Prisma, User } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { recordAudit } from "../audit/audit.js";
import { isLocked } from "../auth/lockout.js";
import { clearAllFailures, releaseThrottles } from "../auth/sign-in-throttle.js";
import { forgetSessions, revokeSessions } from "../sessions/revocation.js";
import { type AdminUser, toAdminUser } from "./admin.schemas.js";
import { type AdminCtx, assertNotSelf, isDemotion, withTarget } from "./target-user.js";

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
export async function setRole(ctx: AdminCtx & { user: AuthUser }, id: string, role: User["role"]): Promise<AdminUser> {
  const { user: actor } = ctx;
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
export async function activateUser(ctx: AdminCtx & { user: AuthUser }, id: string): Promise<AdminUser> {
  const { user: actor } = ctx;
  const row = await withTarget(ctx, actor, id, async (tx, target) => {
    if (target.isActive) return target;
    const updated = await tx.user.update({ where: { id }, data: { isActive: true } });
    await audit(ctx, tx, actor, "admin.user.activated", id);
    return updated;
  });
  return toAdminUser(row, ctx.clock.now());
}

/** Blocks sign-in and revokes every session of the account. */
export async function deactivateUser(ctx: AdminCtx & { user: AuthUser }, id: string): Promise<AdminUser> {
  const { user: actor } = ctx;
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
export async function deleteUser(ctx: AdminCtx & { user: AuthUser }, id: string): Promise<AdminUser> {
  const { user: actor } = ctx;
  const now = ctx.clock.now();
  const { row, revoked } = await withTarget(ctx, actor, id, async (tx, target) => {
    assertNotSelf(actor, target, "delete");
    const revoked = await revokeSessions(tx, { userId: id }, "deleted", now);
    await tx.passwordResetToken.deleteMany({ where: { userId: id } });
    await tx.loginFailure.deleteMany({ where: { userId: id } });
    const row = await tx.user.update({
      where: { id },
      data: {
        lockedUntil: null,
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

/**
 * Ends the account's lockouts, from every address, and its cross-address slowdown and
 * per-address sign-in limits; audited when there was anything to lift.
 */
export async function unlockUser(ctx: AdminCtx & { user: AuthUser }, id: string): Promise<AdminUser> {
  const { user: actor } = ctx;
  const { row, addresses } = await withTarget(ctx, actor, id, async (tx, target) => {
    const addresses = await clearAllFailures(tx, id);
    if (addresses.length === 0 && target.lockedUntil === null) return { row: target, addresses };
    const row = await tx.user.findUniqueOrThrow({ where: { id } });
    await audit(ctx, tx, actor, "admin.user.unlocked", id, {
      wasLocked: isLocked(target, ctx.clock.now()),
      addresses,
    });
    return { row, addresses };
  });
  await releaseThrottles(ctx, row.email, addresses);
  return toAdminUser(row, ctx.clock.now());
}
