/** The signed-in user's own profile: reading it, and changing name, avatar and email. */
import type { Context } from "../../context.js";
import { originOf } from "../../context.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { recordAudit } from "../audit/audit.js";
import { toUser, type UserRow } from "../auth/auth.schemas.js";
import type { UpdateProfileInput } from "./users.schemas.js";

type Ctx = Pick<Context, "auth" | "clock" | "db" | "req" | "limits">;

const emailTaken = () => new AppError("CONFLICT", "An account with this email already exists", "email");

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

/** The caller's own account. */
export async function getProfile(ctx: Ctx & { user: AuthUser }) {
  const { user } = ctx;
  const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  return toUser(row as UserRow);
}

/** Checks the password that guards an email change (each check counts as a sign-in attempt). */
async function assertCurrentPassword(ctx: Ctx, row: { email: string; passwordHash: string | null }, password?: string) {
  if (password === undefined) {
    throw new AppError("VALIDATION", "Enter your current password to change your email", "currentPassword");
  }
  // A stolen access token must not become an unlimited password oracle.
  await ctx.limits.consume("loginPerAccount", row.email);
  if (!(await ctx.auth.passwords.verify(row.passwordHash, password))) {
    throw new AppError("AUTH_INVALID_CREDENTIALS", "Current password is incorrect", "currentPassword");
  }
}

/** Applies the fields that differ from the stored profile; an email change needs the current password. */
export async function updateProfile(ctx: Ctx & { user: AuthUser }, input: UpdateProfileInput) {
  const { user } = ctx;
  const row = await ctx.db.prisma.user.findUniqueOrThrow({ where: { id: user.id } });
  const changes: { name?: string; avatarUrl?: string | null; email?: string } = {};
  if (input.name !== undefined && input.name !== row.name) changes.name = input.name;
  if (input.avatarUrl !== undefined && input.avatarUrl !== row.avatarUrl) changes.avatarUrl = input.avatarUrl;
  if (input.email !== undefined && input.email !== row.email) changes.email = input.email;
  const fields = Object.keys(changes);
  if (fields.length === 0) return toUser(row as UserRow);
  if (changes.email !== undefined) await assertCurrentPassword(ctx, row, input.currentPassword);

  const now = ctx.clock.now();
  const origin = originOf(ctx);
  const updated = await ctx.db.prisma
    .$transaction(async (tx) => {
      if (changes.email !== undefined) {
        const taken = await tx.user.findUnique({ where: { email: changes.email }, select: { id: true } });
        if (taken) throw emailTaken();
        // Reset links went to the old address; they must not outlive the change.
        await tx.passwordResetToken.updateMany({ where: { userId: user.id, usedAt: null }, data: { usedAt: now } });
      }
      const next = await tx.user.update({ where: { id: user.id }, data: changes });
      await recordAudit(tx, origin, {
        type: "user.profile_updated",
        actorId: user.id,
        targetType: "user",
        targetId: user.id,
        metadata: { fields },
      });
      if (changes.email !== undefined) {
        await recordAudit(tx, origin, {
          type: "user.email_changed",
          actorId: user.id,
          targetType: "user",
          targetId: user.id,
          metadata: { from: row.email, to: changes.email },
        });
      }
      return next;
    })
    .catch((error: unknown) => {
      // Two accounts racing for one address: the unique index decides, the caller hears CONFLICT.
      throw isUniqueViolation(error) ? emailTaken() : error;
    });
  // Sessions cache the name and email; drop them so the next request sees the new ones.
  ctx.auth.sessions.invalidateUser(user.id);
  return toUser(updated as UserRow);
}
