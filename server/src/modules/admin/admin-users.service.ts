/** Administering accounts: finding them, creating them, and editing their profile. */
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { AuthUser } from "../../identity/principal.js";
import { AppError } from "../../lib/app-error.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { recordAudit } from "../audit/audit.js";
import { assertPasswordPolicy } from "../auth/password-policy.js";
import {
  type AdminUser,
  type CreateUserInput,
  toAdminUser,
  type UpdateUserInput,
  type UserListInput,
} from "./admin.schemas.js";
import { type AdminCtx, assertEmailFree, userNotFound, withTarget } from "./target-user.js";

function listWhere(input: UserListInput): Prisma.UserWhereInput {
  const where: Prisma.UserWhereInput = {};
  if (!input.includeDeleted) where.deletedAt = null;
  if (input.role) where.role = input.role;
  if (input.active !== undefined) where.isActive = input.active;
  if (input.q) {
    const q = likeLiteral(input.q);
    where.OR = [{ email: { contains: q, mode: "insensitive" } }, { name: { contains: q, mode: "insensitive" } }];
  }
  return where;
}

/** Accounts matching the filters, newest first. */
export async function listUsers(ctx: AdminCtx, input: UserListInput) {
  const where = listWhere(input);
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.user.count({ where }),
    prisma.user.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], ...pageWindow(input) }),
  ]);
  const now = ctx.clock.now();
  return toPage(
    rows.map((row) => toAdminUser(row, now)),
    total,
    input.page,
    input.pageSize,
  );
}

/** One account, deleted ones included (they stay visible, anonymised). */
export async function getUser(ctx: AdminCtx, id: string): Promise<AdminUser> {
  const row = await ctx.db.prisma.user.findUnique({ where: { id } });
  if (!row) throw userNotFound();
  return toAdminUser(row, ctx.clock.now());
}

/** Creates an account with a password under the policy; only a superuser may create a superuser. */
export async function createUser(ctx: AdminCtx & { user: AuthUser }, input: CreateUserInput): Promise<AdminUser> {
  const { user: actor } = ctx;
  if (input.isSuperuser && !actor.isSuperuser) {
    throw new AppError("FORBIDDEN", "Only a superuser can create a superuser", "isSuperuser");
  }
  await assertPasswordPolicy(input.password, { email: input.email, name: input.name });
  const passwordHash = await ctx.auth.passwords.hash(input.password);
  const now = ctx.clock.now();
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertEmailFree(tx, input.email);
    const user = await tx.user.create({
      data: {
        email: input.email,
        name: input.name,
        passwordHash,
        passwordChangedAt: now,
        role: input.role,
        isSuperuser: input.isSuperuser,
      },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "admin.user.created",
      actorId: actor.id,
      targetType: "user",
      targetId: user.id,
      metadata: { role: user.role, isSuperuser: user.isSuperuser },
    });
    return user;
  });
  return toAdminUser(row, now);
}

type ProfileField = "name" | "email" | "avatarUrl";

/** Changes name, email or avatar; the audit event lists each changed field's old and new value. */
export async function updateUser(ctx: AdminCtx & { user: AuthUser }, input: UpdateUserInput): Promise<AdminUser> {
  const { user: actor } = ctx;
  const { id, ...wanted } = input;
  const row = await withTarget(ctx, actor, id, async (tx, target) => {
    const changes: Partial<Record<ProfileField, { from: string | null; to: string | null }>> = {};
    for (const field of ["name", "email", "avatarUrl"] as const) {
      const to = wanted[field];
      if (to !== undefined && to !== target[field]) changes[field] = { from: target[field], to };
    }
    if (Object.keys(changes).length === 0) return target;
    if (changes.email?.to) await assertEmailFree(tx, changes.email.to, id);
    const data: Prisma.UserUpdateInput = {};
    if (changes.name?.to) data.name = changes.name.to;
    if (changes.email?.to) data.email = changes.email.to;
    if (changes.avatarUrl) data.avatarUrl = changes.avatarUrl.to;
    const updated = await tx.user.update({ where: { id }, data });
    // A reset link mailed to the old address must not outlive the change of address.
    if (changes.email) await tx.passwordResetToken.deleteMany({ where: { userId: id, usedAt: null } });
    await recordAudit(tx, originOf(ctx), {
      type: "admin.user.updated",
      actorId: actor.id,
      targetType: "user",
      targetId: id,
      metadata: { changes },
    });
    return updated;
  });
  // Signed-in requests carry the cached name and email; the next one must see the new values.
  ctx.auth.sessions.invalidateUser(id);
  return toAdminUser(row, ctx.clock.now());
}
