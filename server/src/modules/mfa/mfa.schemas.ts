import { z } from "zod";
import { passwordSchema } from "../auth/auth.schemas.js";

/** Six digits, as authenticator apps show them (spaces tolerated). */
export const totpCodeSchema = z
  .string()
  .transform((v) => v.replace(/\s/g, ""))
  .pipe(z.string().regex(/^\d{6}$/, { error: "must be the 6-digit code from your authenticator app" }));

// Recovery codes are xxxx-xxxx-xxxx; the bound only keeps junk input small.
export const recoveryCodeSchema = z.string().trim().min(1).max(64);

export const confirmInput = z.object({ code: totpCodeSchema });
export const regenerateInput = z.object({ code: totpCodeSchema });
export const disableInput = z.object({
  password: passwordSchema.optional().describe("Required unless the account signs in only through a provider"),
  code: z.string().trim().min(1).max(64).describe("A code from the authenticator app, or an unused recovery code"),
});
export const adminResetInput = z.object({ userId: z.uuid() });

export const verifyMfaInput = z
  .object({
    challenge: z.string().min(1).max(200),
    code: totpCodeSchema.optional(),
    recoveryCode: recoveryCodeSchema.optional(),
  })
  .refine((v) => (v.code === undefined) !== (v.recoveryCode === undefined), {
    error: "send either code or recoveryCode",
    path: ["code"],
  });

export const mfaSetupSchema = z
  .object({
    secret: z.string().describe("Base32 secret, for typing into an app that cannot scan"),
    otpauthUri: z.string().describe("otpauth://totp/Assay:<email>?secret=...&issuer=Assay"),
    qrCodeDataUrl: z.string().describe("The URI as a PNG data: URL"),
  })
  .meta({ id: "MfaSetup" });

export const recoveryCodesSchema = z
  .object({
    recoveryCodes: z.array(z.string()).describe("Shown once: each works one time, in place of a code"),
  })
  .meta({ id: "RecoveryCodes" });

export const mfaStatusSchema = z
  .object({
    enabled: z.boolean(),
    pendingSetup: z.boolean().describe("A set-up was started and awaits mfa.confirm"),
    confirmedAt: z.iso.datetime().nullable(),
    recoveryCodesRemaining: z.number().int(),
    required: z.boolean().describe("The account's role requires a second factor (MFA_REQUIRED_ROLES)"),
  })
  .meta({ id: "MfaStatus" });

export const adminResetSchema = z.object({ ok: z.literal(true), hadFactor: z.boolean() });
