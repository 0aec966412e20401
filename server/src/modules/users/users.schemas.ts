/** Inputs of the users module; outputs reuse the User schema of the auth module. */
import { z } from "zod";
import { emailSchema, passwordSchema } from "../auth/auth.schemas.js";
import { avatarUrlSchema } from "./avatar-url.js";

export const updateProfileInput = z.object({
  name: z.string().trim().min(1).max(120).optional(),
  avatarUrl: avatarUrlSchema.nullable().optional().describe("An https URL, or null to remove the avatar"),
  email: emailSchema.optional().describe("Changing the email requires currentPassword"),
  currentPassword: passwordSchema.optional(),
});

export type UpdateProfileInput = z.infer<typeof updateProfileInput>;
