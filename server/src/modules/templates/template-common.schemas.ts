/** Schema pieces every template kind shares: names, scope, ids, list filters, the common output fields. */
import { z } from "zod";
import { pageInput } from "../../lib/pagination.js";
import { listScopeSchema, templateScopeSchema } from "./template-scope.js";

export const templateNameSchema = z.string().trim().min(1).max(200);
export const templateDescriptionSchema = z.string().trim().max(20_000);

export const techniqueIdSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^T\d{4}(\.\d{3})?$/, { error: "must be an ATT&CK technique id like T1003 or T1003.001" });

export const tacticSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(64)
  .regex(/^[a-z]+(-[a-z]+)*$/, { error: "must be an ATT&CK tactic shortname like credential-access" });

/** The fields every template output starts with. */
export const templateBaseShape = {
  id: z.uuid(),
  organizationId: z.uuid().nullable().describe("null for global templates"),
  scope: templateScopeSchema,
  name: z.string(),
  description: z.string(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
};

export const templateIdInput = z.object({ id: z.uuid() });

/** Where a new template goes: the named organization (default) or global (superusers). */
export const createScopeField = templateScopeSchema
  .default("org")
  .describe("org: the organization named by X-Organization-Id; global: shared with everyone (superusers only)");

/** The list input every kind accepts: text search, scope, pages. */
export const templateListInput = pageInput.extend({
  q: z.string().trim().max(200).optional().describe("Case-insensitive search in name and description"),
  scope: listScopeSchema,
});

export interface TemplateBaseRow {
  id: string;
  organizationId: string | null;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

/** The common output fields of a template row. */
export function toTemplateBase(row: TemplateBaseRow) {
  return {
    id: row.id,
    organizationId: row.organizationId,
    scope: row.organizationId ? ("org" as const) : ("global" as const),
    name: row.name,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
