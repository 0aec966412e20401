import { z } from "zod";
import { router } from "../../trpc/init.js";
import { authedProcedure, roleProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import {
  adminResetInput,
  adminResetSchema,
  confirmInput,
  disableInput,
  mfaSetupSchema,
  mfaStatusSchema,
  recoveryCodesSchema,
  regenerateInput,
} from "./mfa.schemas.js";
import { adminReset, confirm, disable, regenerateRecoveryCodes, setup, status } from "./mfa.service.js";

const tags = ["mfa"];

export const mfaRouter = router({
  status: authedProcedure
    .meta({ scope: "interactive" })
    .meta({ openapi: { method: "GET", path: "/mfa", tags, summary: "My second-factor state" } })
    .input(z.void())
    .output(mfaStatusSchema)
    .query(({ ctx }) => status(ctx)),
  setup: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/mfa/setup", tags, summary: "Start TOTP enrolment: secret, URI, QR code" },
      description: "The factor stays inactive until mfa.confirm; calling again replaces an unconfirmed secret.",
    })
    .input(z.void())
    .output(mfaSetupSchema)
    .mutation(({ ctx }) => setup(ctx)),
  confirm: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/mfa/confirm", tags, summary: "Enable TOTP with a first code" },
      description: "Returns the ten recovery codes, shown only this once.",
    })
    .input(confirmInput)
    .output(recoveryCodesSchema)
    .mutation(({ ctx, input }) => confirm(ctx, input)),
  disable: authedProcedure
    .meta({ scope: "interactive" })
    .meta({ openapi: { method: "POST", path: "/mfa/disable", tags, summary: "Turn TOTP off (password + code)" } })
    .input(disableInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await disable(ctx, input);
      return { ok: true as const };
    }),
  regenerateRecoveryCodes: authedProcedure
    .meta({ scope: "interactive" })
    .meta({
      openapi: { method: "POST", path: "/mfa/recovery-codes", tags, summary: "Replace my recovery codes" },
      description: "The previous codes stop working; the new ones are shown only this once.",
    })
    .input(regenerateInput)
    .output(recoveryCodesSchema)
    .mutation(({ ctx, input }) => regenerateRecoveryCodes(ctx, input)),
  adminReset: roleProcedure("admin")
    .meta({ scope: "interactive" })
    .meta({
      openapi: {
        method: "POST",
        path: "/admin/users/{userId}/mfa/reset",
        tags,
        summary: "Remove a user's second factor (lost device)",
      },
      description: "Audited as mfa.reset_by_admin; only a superuser can reset a superuser.",
    })
    .input(adminResetInput)
    .output(adminResetSchema)
    .mutation(({ ctx, input }) => adminReset(ctx, input.userId)),
});
