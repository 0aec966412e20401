/** Inputs and outputs of activity templates (templates.activity.*): hand-written or Atomic Red Team tests. */
import { z } from "zod";
import { pageOf } from "../../lib/pagination.js";
import {
  createScopeField,
  tacticSchema,
  techniqueIdSchema,
  templateBaseShape,
  templateDescriptionSchema,
  templateListInput,
  templateNameSchema,
} from "./template-common.schemas.js";

// Free text is kept as written (Atomic Red Team's ends in a newline), so exports round-trip exactly.
export const inputArgumentSchema = z.object({
  name: z.string().trim().min(1).max(200),
  type: z.string().trim().max(100).default("string"),
  description: z.string().max(5000).default(""),
  default: z.string().max(10_000).nullable().default(null),
});

export const dependencySchema = z.object({
  description: z.string().max(5000).default(""),
  prereqCommand: z.string().max(50_000).default(""),
  getPrereqCommand: z.string().max(50_000).default(""),
});

const sourceSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/, { error: "must be a short slug like manual or atomic-red-team" });
const platformSchema = z.string().trim().toLowerCase().min(1).max(64);
const labelSchema = z.string().trim().min(1).max(64);
const executorNameSchema = z.string().trim().max(64);
const commandSchema = z.string().max(100_000);
const unique = <T extends z.ZodType<string>>(item: T, max: number) =>
  z
    .array(item)
    .max(max)
    .transform((values) => [...new Set(values)]);

/** The editable content of an activity template (also the shape of a YAML document entry). */
export const activityTemplateContentShape = {
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  source: sourceSchema.default("manual"),
  techniques: unique(techniqueIdSchema, 50).default([]),
  tactic: tacticSchema.nullable().default(null),
  platforms: unique(platformSchema, 20).default([]),
  inputArguments: z.array(inputArgumentSchema).max(100).default([]),
  executorName: executorNameSchema.nullable().default(null),
  command: commandSchema.nullable().default(null),
  cleanupCommand: commandSchema.nullable().default(null),
  elevationRequired: z.boolean().default(false),
  dependencies: z.array(dependencySchema).max(50).default([]),
  dependencyExecutorName: executorNameSchema.nullable().default(null),
  tags: unique(labelSchema, 50).default([]),
};

export const activityTemplateSchema = z
  .object({
    ...templateBaseShape,
    source: z.string().describe("manual, atomic-red-team, or the source an import named"),
    atomicGuid: z.uuid().nullable().describe("The Atomic Red Team test this template was imported from"),
    techniques: z.array(z.string()),
    tactic: z.string().nullable(),
    platforms: z.array(z.string()),
    inputArguments: z.array(
      z.object({ name: z.string(), type: z.string(), description: z.string(), default: z.string().nullable() }),
    ),
    executorName: z.string().nullable(),
    command: z.string().nullable(),
    cleanupCommand: z.string().nullable(),
    elevationRequired: z.boolean(),
    dependencies: z.array(
      z.object({ description: z.string(), prereqCommand: z.string(), getPrereqCommand: z.string() }),
    ),
    dependencyExecutorName: z.string().nullable(),
    tags: z.array(z.string()),
  })
  .meta({ id: "ActivityTemplate" });

export const activityTemplatePageSchema = pageOf(activityTemplateSchema, "ActivityTemplatePage");

export const createActivityTemplateInput = z.object({ scope: createScopeField, ...activityTemplateContentShape });

// Without their defaults: an update changes only the fields it sends.
export const updateActivityTemplateInput = z.object({
  id: z.uuid(),
  name: templateNameSchema.optional(),
  description: templateDescriptionSchema.optional(),
  source: sourceSchema.optional(),
  techniques: unique(techniqueIdSchema, 50).optional(),
  tactic: tacticSchema.nullable().optional(),
  platforms: unique(platformSchema, 20).optional(),
  inputArguments: z.array(inputArgumentSchema).max(100).optional(),
  executorName: executorNameSchema.nullable().optional(),
  command: commandSchema.nullable().optional(),
  cleanupCommand: commandSchema.nullable().optional(),
  elevationRequired: z.boolean().optional(),
  dependencies: z.array(dependencySchema).max(50).optional(),
  dependencyExecutorName: executorNameSchema.nullable().optional(),
  tags: unique(labelSchema, 50).optional(),
});

export const listActivityTemplatesInput = templateListInput
  .extend({
    technique: techniqueIdSchema.optional().describe("Only templates exercising this ATT&CK technique"),
    platform: platformSchema.optional().describe("e.g. windows (case-insensitive)"),
    source: sourceSchema.optional().describe("e.g. manual or atomic-red-team"),
    tactic: tacticSchema.optional(),
  })
  .prefault({});

export type ActivityTemplate = z.infer<typeof activityTemplateSchema>;
export type ActivityTemplateContent = z.infer<z.ZodObject<typeof activityTemplateContentShape>>;
export type CreateActivityTemplateInput = z.infer<typeof createActivityTemplateInput>;
export type UpdateActivityTemplateInput = z.infer<typeof updateActivityTemplateInput>;
export type ListActivityTemplatesInput = z.infer<typeof listActivityTemplatesInput>;
