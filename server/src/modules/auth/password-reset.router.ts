/** The two password-reset procedures, spread into the auth router (auth.requestPasswordReset, auth.resetPassword). */
import { z } from "zod";
import { publicProcedure } from "../../trpc/procedures.js";
import { emailSchema, okSchema, passwordSchema } from "./auth.schemas.js";
import { requestPasswordReset, resetPassword } from "./password-reset.service.js";

const tags = ["auth"];

export const requestPasswordResetInput = z.object({ email: emailSchema });
// A token is 43 base64url characters; the bound only keeps junk input small.
export const resetPasswordInput = z.object({ token: z.string().min(1).max(200), newPassword: passwordSchema });

export const passwordResetProcedures = {
  requestPasswordReset: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/password-reset/request",
        tags,
        summary: "Mail a password-reset link (answers the same whether or not the account exists)",
        protect: false,
      },
    })
    .input(requestPasswordResetInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await requestPasswordReset(ctx, input);
      return { ok: true as const };
    }),
  resetPassword: publicProcedure
    .meta({
      openapi: {
        method: "POST",
        path: "/auth/password-reset/confirm",
        tags,
        summary: "Set a new password with a reset token (ends every session)",
        protect: false,
      },
    })
    .input(resetPasswordInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await resetPassword(ctx, input);
      return { ok: true as const };
    }),
};
