/** Inputs and outputs of imports. */
import { z } from "zod";
import { assessmentSchema } from "../assessments/assessments.schemas.js";

export const importAssessmentInput = z.object({
  document: z
    .unknown()
    .describe(
      'An "assay.assessment" document, version 1, as exports.assessmentJson writes it (see the AssessmentDocument schema). Problems are reported with their path inside the document, e.g. activities[3].blue.outcome.',
    ),
  name: z.string().trim().min(1).max(200).optional().describe("Name of the new assessment (default: the document's)"),
});

const count = z.number().int().nonnegative();

export const importResultSchema = z
  .object({
    assessment: assessmentSchema.describe("The new assessment; the importer is its lead"),
    created: z.object({ groups: count, activities: count, comments: count, tags: count, assets: count }),
    reused: z.object({
      tags: count.describe("Tags of the organization with the same name"),
      assets: count.describe("Assets of the organization with the same name and kind"),
    }),
    warnings: z
      .array(z.object({ field: z.string(), message: z.string() }))
      .describe("What imported differently, e.g. an email that names no member of the organization"),
  })
  .meta({ id: "AssessmentImportResult" });

export type ImportAssessmentInput = z.infer<typeof importAssessmentInput>;
export type ImportResult = z.infer<typeof importResultSchema>;
