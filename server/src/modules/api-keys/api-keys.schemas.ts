import { z } from "zod";
import { SCOPES } from "../../identity/scopes.js";
import { pageInput, pageOf, queryBoolean } from "../../lib/pagination.js";

export const scopeSchema = z.enum(SCOPES).meta({ id: "Scope" });

export const createApiKeyInput = z.object({
  name: z.string().trim().min(1, { error: "is required" }).max(100).describe("What the key is for, e.g. CI runner"),
  scopes: z
    .array(scopeSchema)
    .min(1, { error: "grant at least one scope" })
    .max(SCOPES.length)
    .transform((scopes) => [...new Set(scopes)])
    .describe("What the key may do; never more than its owner may"),
  organizationId: z
    .uuid()
    .optional()
    .describe("Bind the key to this organization (one you belong to): it acts there and sees no other"),
  expiresAt: z.iso
    .datetime({ offset: true })
    .optional()
    .describe("When the key stops working; omit for a key that lasts until revoked"),
  defaultControlId: z
    .uuid()
    .optional()
    .describe("A defensive control of the key's organization: the control alerts it pushes name when they name none"),
});

export type CreateApiKeyInput = z.infer<typeof createApiKeyInput>;

export const createdApiKeySchema = z
  .object({
    id: z.uuid(),
    key: z.string().describe("The key itself: shown only now, stored only as a hash"),
    prefix: z.string().describe("The key's first characters, shown in lists"),
    name: z.string(),
    scopes: z.array(scopeSchema),
    organizationId: z.uuid().nullable(),
    defaultControlId: z.uuid().nullable(),
    expiresAt: z.iso.datetime().nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "CreatedApiKey" });

export const apiKeySchema = z
  .object({
    id: z.uuid(),
    name: z.string(),
    prefix: z.string(),
    scopes: z.array(z.string()),
    organizationId: z.uuid().nullable(),
    owner: z.object({ id: z.uuid(), email: z.string(), name: z.string() }),
    status: z.enum(["active", "expired", "revoked"]),
    createdAt: z.iso.datetime(),
    expiresAt: z.iso.datetime().nullable(),
    lastUsedAt: z.iso.datetime().nullable().describe("Recorded at most once a minute"),
    lastUsedIp: z.string().nullable(),
    revokedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "ApiKey" });

export const apiKeyPageSchema = pageOf(apiKeySchema, "ApiKeyPage");

export const listApiKeysInput = pageInput
  .extend({
    includeInactive: queryBoolean.default(false).describe("Also list revoked and expired keys"),
    allUsers: queryBoolean.default(false).describe("Every account's keys (administrators only)"),
  })
  .prefault({});

export type ListApiKeysInput = z.infer<typeof listApiKeysInput>;

export const apiKeyIdInput = z.object({ id: z.uuid() });
