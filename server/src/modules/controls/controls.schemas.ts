/** Inputs and outputs of defensive controls: the organization's EDR, SIEM, AV, firewall... */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";

export const CONTROL_KINDS = ["edr", "siem", "av", "firewall", "proxy", "email", "ids", "dlp", "other"] as const;
export const controlKindSchema = z.enum(CONTROL_KINDS).meta({ id: "ControlKind" });

const nameSchema = z.string().trim().min(1).max(100);
const labelSchema = z.string().trim().min(1).max(100);

export const controlSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    name: z.string(),
    kind: controlKindSchema,
    vendor: z.string().nullable(),
    product: z.string().nullable().describe("Alerts of a known format find their control by this product name"),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "DefensiveControl" });

export const controlPageSchema = pageOf(controlSchema, "DefensiveControlPage");
export const controlIdInput = z.object({ id: z.uuid() });

export const createControlInput = z.object({
  name: nameSchema.describe("Unique in the organization (ignoring case)"),
  kind: controlKindSchema,
  vendor: labelSchema.optional(),
  product: labelSchema.optional(),
});

export const updateControlInput = z.object({
  id: z.uuid(),
  name: nameSchema.optional(),
  kind: controlKindSchema.optional(),
  vendor: labelSchema.nullable().optional(),
  product: labelSchema.nullable().optional(),
});

export const listControlsInput = pageInput
  .extend({
    kind: controlKindSchema.optional(),
    pageSize: pageInput.shape.pageSize.default(100),
  })
  .prefault({});

export type Control = z.infer<typeof controlSchema>;
export type CreateControlInput = z.infer<typeof createControlInput>;
export type UpdateControlInput = z.infer<typeof updateControlInput>;
export type ListControlsInput = z.infer<typeof listControlsInput>;

export interface ControlRow {
  id: string;
  organizationId: string;
  name: string;
  kind: Control["kind"];
  vendor: string | null;
  product: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export function toControl(row: ControlRow): Control {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    kind: row.kind,
    vendor: row.vendor,
    product: row.product,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
