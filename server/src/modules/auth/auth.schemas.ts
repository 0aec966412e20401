import { z } from "zod";
import { safeAvatarUrlOrNull } from "../users/avatar-url.js";
import { PASSWORD_MAX } from "./password-policy.js";

// Trimmed and lower-cased before the format check, so " Ann@Example.com " is ann@example.com.
export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: "must be an email address" }).max(254));
// Length and strength are checked by the policy (with a clear message); this only bounds the input.
export const passwordSchema = z.string().min(1, { error: "is required" }).max(PASSWORD_MAX);
export const roleSchema = z.enum(["admin", "analyst", "viewer"]);

export const userSchema = z
  .object({
    id: z.uuid(),
    email: z.string(),
    name: z.string(),
    avatarUrl: z.string().nullable(),
    role: roleSchema,
    isSuperuser: z.boolean(),
    isActive: z.boolean(),
    createdAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "User" });

export const tokenPairSchema = z
  .object({
    mfaRequired: z.literal(false),
    tokenType: z.literal("Bearer"),
    accessToken: z.string(),
    accessTokenExpiresAt: z.iso.datetime(),
    expiresIn: z.number().int().describe("Seconds until the access token expires"),
    refreshToken: z.string(),
    refreshTokenExpiresAt: z.iso.datetime(),
    sessionId: z.uuid(),
    user: userSchema,
  })
  .meta({ id: "TokenPair" });

export const mfaChallengeSchema = z
  .object({
    mfaRequired: z.literal(true),
    challenge: z.string().describe("Opaque; redeem with auth.verifyMfa within 5 minutes, from the same client"),
    expiresAt: z.iso.datetime(),
  })
  .meta({ id: "MfaChallenge" });

/** A sign-in's answer: tokens, or (with a second factor enrolled) a challenge for auth.verifyMfa. */
export const loginResultSchema = z
  .discriminatedUnion("mfaRequired", [tokenPairSchema, mfaChallengeSchema])
  .meta({ id: "LoginResult" });

export const registerInput = z.object({
  email: emailSchema,
  password: passwordSchema,
  name: z.string().trim().min(1).max(120),
});

export const loginInput = z.object({ email: emailSchema, password: passwordSchema });
export const refreshInput = z.object({ refreshToken: z.string().min(1).max(200) });
export const changePasswordInput = z.object({ currentPassword: passwordSchema, newPassword: passwordSchema });
export const okSchema = z.object({ ok: z.literal(true) }).meta({ id: "Ok" });

export type UserRow = {
  id: string;
  email: string;
  name: string;
  avatarUrl: string | null;
  role: "admin" | "analyst" | "viewer";
  isSuperuser: boolean;
  isActive: boolean;
  createdAt: Date;
  lastLoginAt: Date | null;
};

/** A user row as the API shows it (never the hash or lockout counters). */
export function toUser(row: UserRow): z.infer<typeof userSchema> {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    // Values stored before avatar URLs were checked are not passed on unless they pass now.
    avatarUrl: safeAvatarUrlOrNull(row.avatarUrl),
    role: row.role,
    isSuperuser: row.isSuperuser,
    isActive: row.isActive,
    createdAt: row.createdAt.toISOString(),
    lastLoginAt: row.lastLoginAt?.toISOString() ?? null,
  };
}
