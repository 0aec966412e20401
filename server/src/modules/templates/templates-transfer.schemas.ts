/** Inputs and outputs of templates.export and templates.import (the YAML document is templates-document.ts). */
import { z } from "zod";
import { templateScopeSchema } from "./template-scope.js";

export const templateKindSchema = z
  .enum(["activity", "activityGroup", "campaign", "evaluation", "report"])
  .meta({ id: "TemplateKind" });

export type TemplateKindName = z.infer<typeof templateKindSchema>;

export const exportTemplatesInput = z
  .object({
    kinds: z
      .array(templateKindSchema)
      .max(5)
      .optional()
      .describe("Kinds to export (default: all); members of exported groups and campaigns always come along"),
    ids: z.array(z.uuid()).max(1000).optional().describe("Only these templates (and their members)"),
    scope: z
      .enum(["org", "global", "all"])
      .optional()
      .describe("Whose templates: default org when an organization is named, else global"),
  })
  .prefault({});

export const importTemplatesInput = z.object({
  yaml: z
    .string()
    .min(1)
    .max(10_000_000)
    .describe("A document as templates.export writes it (format: assay.templates)"),
  scope: templateScopeSchema
    .default("org")
    .describe("Import into the named organization (owners, admins) or the global library (superusers)"),
  dryRun: z.boolean().default(false).describe("Validate and report what would change, writing nothing"),
});

export const importActionSchema = z
  .enum(["created", "updated", "unchanged", "linked"])
  .meta({ id: "TemplateImportAction" });

export const importReportSchema = z
  .object({
    dryRun: z.boolean(),
    scope: templateScopeSchema,
    organizationId: z.uuid().nullable(),
    created: z.number().int().nonnegative(),
    updated: z.number().int().nonnegative(),
    unchanged: z.number().int().nonnegative(),
    linked: z.number().int().nonnegative().describe("Entries that name a global template already here (used as is)"),
    items: z.array(
      z.object({
        kind: templateKindSchema,
        key: z.string().nullable().describe("The entry's id in the document"),
        name: z.string(),
        id: z.uuid().nullable().describe("The template it became (null for creations in a dry run)"),
        action: importActionSchema,
      }),
    ),
  })
  .meta({ id: "TemplateImportReport" });

export type ExportTemplatesInput = z.infer<typeof exportTemplatesInput>;
export type ImportTemplatesInput = z.infer<typeof importTemplatesInput>;
export type ImportReport = z.infer<typeof importReportSchema>;
export type ImportAction = z.infer<typeof importActionSchema>;
