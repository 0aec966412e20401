import { z } from "zod";

export const systemInfoSchema = z
  .object({
    name: z.literal("Assay"),
    version: z.string(),
    environment: z.enum(["development", "production", "test"]),
    uptimeSeconds: z.number().int().nonnegative(),
    startedAt: z.iso.datetime(),
    installedAt: z.iso.datetime().nullable().describe("When this database was first started"),
    database: z.enum(["embedded", "postgresql"]),
    node: z.string(),
    registrationOpen: z.boolean().describe("Whether anyone may create an account (auth.register, REGISTRATION_OPEN)"),
  })
  .meta({ id: "SystemInfo" });
