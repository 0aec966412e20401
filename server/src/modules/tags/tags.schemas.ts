/** Inputs and outputs of tags: org-wide labels for assessments and activities. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";

const HEX_COLOR = /^#[0-9a-f]{6}$/i;
export const DEFAULT_TAG_COLOR = "#6b7280";

const colorSchema = z
  .string()
  .trim()
  .regex(HEX_COLOR, { error: "must be a colour like #1f6feb" })
  .transform((v) => v.toLowerCase());

const nameSchema = z.string().trim().min(1).max(64);
const descriptionSchema = z.string().trim().max(500);

/** A tag as lists of assessments and activities show it. */
export const tagRefSchema = z
  .object({ id: z.uuid(), name: z.string(), color: z.string().describe("#rrggbb") })
  .meta({ id: "TagRef" });

export const tagSchema = tagRefSchema
  .extend({
    organizationId: z.uuid(),
    description: z.string(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Tag" });

export const tagPageSchema = pageOf(tagSchema, "TagPage");

export const tagIdInput = z.object({ id: z.uuid() });

// `colour` is accepted as an alias of `color` (British spelling), so either name works.
export const createTagInput = z
  .object({
    name: nameSchema,
    color: colorSchema.optional().describe(`#rrggbb (default ${DEFAULT_TAG_COLOR})`),
    colour: colorSchema.optional().describe("Alias of color"),
    description: descriptionSchema.default(""),
  })
  .transform(({ colour, color, ...rest }) => ({ ...rest, color: color ?? colour ?? DEFAULT_TAG_COLOR }));

export const updateTagInput = z
  .object({
    id: z.uuid(),
    name: nameSchema.optional(),
    color: colorSchema.optional(),
    colour: colorSchema.optional().describe("Alias of color"),
    description: descriptionSchema.optional(),
  })
  .transform(({ colour, color, ...rest }) => {
    const chosen = color ?? colour;
    return chosen === undefined ? rest : { ...rest, color: chosen };
  });

export const listTagsInput = pageInput
  .extend({
    q: z.string().trim().max(64).optional().describe("Case-insensitive search in the name"),
    pageSize: pageInput.shape.pageSize.default(100),
  })
  .prefault({});

export type Tag = z.infer<typeof tagSchema>;
export type CreateTagInput = z.infer<typeof createTagInput>;
export type UpdateTagInput = z.infer<typeof updateTagInput>;
export type ListTagsInput = z.infer<typeof listTagsInput>;

export interface TagRow {
  id: string;
  organizationId: string;
  name: string;
  color: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

export function toTag(row: TagRow): Tag {
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    color: row.color,
    description: row.description,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
