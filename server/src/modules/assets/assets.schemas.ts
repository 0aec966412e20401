/** Inputs and outputs of assets: hosts, accounts, applications and networks of the organization. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";

export const assetKindSchema = z.enum(["host", "account", "application", "network"]).meta({ id: "AssetKind" });

/** An asset as activities show their targets. */
export const assetRefSchema = z
  .object({ id: z.uuid(), name: z.string(), kind: assetKindSchema, identifier: z.string() })
  .meta({ id: "AssetRef" });

export const assetSchema = assetRefSchema
  .extend({
    organizationId: z.uuid(),
    description: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Asset" });

export const assetPageSchema = pageOf(assetSchema, "AssetPage");

const nameSchema = z.string().trim().min(1).max(200);
const identifierSchema = z
  .string()
  .trim()
  .max(500)
  .describe("Hostname, IP address, account name, URL or CIDR, as fits the kind");
const descriptionSchema = z.string().trim().max(5000);

export const assetIdInput = z.object({ id: z.uuid() });

export const createAssetInput = z.object({
  name: nameSchema,
  kind: assetKindSchema,
  identifier: identifierSchema.default(""),
  description: descriptionSchema.default(""),
});

export const updateAssetInput = z.object({
  id: z.uuid(),
  name: nameSchema.optional(),
  kind: assetKindSchema.optional(),
  identifier: identifierSchema.optional(),
  description: descriptionSchema.optional(),
});

export const listAssetsInput = pageInput
  .extend({
    kind: assetKindSchema.optional(),
    q: z.string().trim().max(200).optional().describe("Case-insensitive search in name and identifier"),
  })
  .prefault({});

export type Asset = z.infer<typeof assetSchema>;
export type CreateAssetInput = z.infer<typeof createAssetInput>;
export type UpdateAssetInput = z.infer<typeof updateAssetInput>;
export type ListAssetsInput = z.infer<typeof listAssetsInput>;

export interface AssetRow {
  id: string;
  organizationId: string;
  name: string;
  kind: Asset["kind"];
  identifier: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toAsset(row: AssetRow): Asset {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    kind: row.kind,
    identifier: row.identifier,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
