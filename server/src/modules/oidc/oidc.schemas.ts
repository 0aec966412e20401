import { z } from "zod";

export const providerSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    kind: z.enum(["google", "github", "oidc"]),
    startPath: z.string().describe("Open in the browser (GET), with ?returnTo=<SPA URL>"),
  })
  .meta({ id: "OidcProvider" });

export const identitySchema = z
  .object({
    id: z.uuid(),
    provider: z.string(),
    providerName: z.string(),
    email: z.string().nullable(),
    emailVerified: z.boolean(),
    createdAt: z.iso.datetime(),
    lastLoginAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "FederatedIdentity" });

export const identityIdInput = z.object({ id: z.uuid() });
export const linkInput = z.object({
  provider: z.string().min(1).max(32),
  returnTo: z.string().max(2048).optional(),
});
export const exchangeCodeInput = z.object({ code: z.string().min(1).max(200) });
