import { z } from "zod";
import { pageInput, pageOf, queryBoolean } from "../../lib/pagination.js";
import { emailSchema, passwordSchema, roleSchema, toUser, type UserRow, userSchema } from "../auth/auth.schemas.js";
import { isLocked } from "../auth/lockout.js";
import { sessionSchema } from "../sessions/sessions.schemas.js";
import { avatarUrlSchema } from "../users/avatar-url.js";

export const adminUserSchema = userSchema
  .extend({
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
    passwordChangedAt: z.iso.datetime().nullable(),
    hasPassword: z.boolean().describe("False for accounts that only sign in through a federated identity"),
    isLocked: z.boolean().describe("Locked out, from at least one address, after failed sign-ins (see unlock)"),
    lockedUntil: z.iso.datetime().nullable().describe("End of the latest lockout of any address, when locked"),
  })
  .meta({ id: "AdminUser" });

export const adminUserPageSchema = pageOf(adminUserSchema, "AdminUserPage");

export const adminSessionSchema = sessionSchema
  .extend({ user: z.object({ id: z.uuid(), email: z.string(), name: z.string() }) })
  .meta({ id: "AdminSession" });

export const adminSessionPageSchema = pageOf(adminSessionSchema, "AdminSessionPage");

const nameSchema = z.string().trim().min(1).max(120);

export const userListInput = pageInput
  .extend({
    q: z.string().trim().max(200).describe("Case-insensitive search in email and name").optional(),
    role: roleSchema.optional(),
    active: queryBoolean.describe("Only active (true) or deactivated (false) accounts").optional(),
    includeDeleted: queryBoolean.default(false).describe("Also list deleted (anonymised) accounts"),
  })
  .prefault({});

export const userIdInput = z.object({ id: z.uuid() });

export const createUserInput = z.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  role: roleSchema,
  // Not z.boolean(): trpc-to-openapi switches coercion on for boolean body fields, and
  // Boolean("false") is true. A literal is left alone, so "false" is refused, not a superuser.
  isSuperuser: z.literal([true, false]).default(false).describe("Only a superuser may create a superuser"),
});

export const updateUserInput = z.object({
  id: z.uuid(),
  name: nameSchema.optional(),
  email: emailSchema.optional(),
  // The same rule as users.updateProfile.
  avatarUrl: avatarUrlSchema.nullable().optional().describe("An https URL, or null to remove the avatar"),
});

export const setRoleInput = z.object({ id: z.uuid(), role: roleSchema });

export const sessionListInput = pageInput
  .extend({
    userId: z.uuid().optional(),
    active: queryBoolean.describe("Only usable (true) or revoked/expired (false) sessions").optional(),
  })
  .prefault({});

export type UserListInput = z.infer<typeof userListInput>;
export type CreateUserInput = z.infer<typeof createUserInput>;
export type UpdateUserInput = z.infer<typeof updateUserInput>;
export type SessionListInput = z.infer<typeof sessionListInput>;
export type AdminUser = z.infer<typeof adminUserSchema>;

export type AdminUserRow = UserRow & {
  updatedAt: Date;
  deletedAt: Date | null;
  passwordChangedAt: Date | null;
  passwordHash: string | null;
  lockedUntil: Date | null;
};

/** A user row as admins see it: lockout state as `isLocked`/`lockedUntil`, never the hash or counters. */
export function toAdminUser(row: AdminUserRow, now: Date): AdminUser {
  const locked = isLocked(row, now);
  return {
    ...toUser(row),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: row.deletedAt?.toISOString() ?? null,
    passwordChangedAt: row.passwordChangedAt?.toISOString() ?? null,
    hasPassword: row.passwordHash !== null,
    isLocked: locked,
    lockedUntil: locked ? (row.lockedUntil?.toISOString() ?? null) : null,
  };
}
