/**
 * Inputs and outputs of evaluation templates (templates.evaluation.*: the outcome categories
 * and custom questions an evaluation uses) and report templates (templates.report.*: a
 * markdown/handlebars-like body and its output format; rendering belongs to the reports module).
 */
import { z } from "zod";
import { pageOf } from "../../lib/pagination.js";
import { reportTemplateSyntaxError } from "./report-liquid.js";
import {
  createScopeField,
  templateBaseShape,
  templateDescriptionSchema,
  templateListInput,
  templateNameSchema,
} from "./template-common.schemas.js";

const keySchema = z
  .string()
  .trim()
  .regex(/^[a-z][a-z0-9_]{0,63}$/, { error: "must be a short key like detection or time_to_detect" });

export const evaluationCategorySchema = z.object({
  key: keySchema,
  label: z.string().trim().min(1).max(200),
  description: z.string().trim().max(2000).default(""),
});

export const questionKindSchema = z.enum(["yesno", "text", "scale"]).meta({ id: "EvaluationQuestionKind" });

export const evaluationQuestionSchema = z.object({
  key: keySchema,
  text: z.string().trim().min(1).max(2000),
  kind: questionKindSchema,
});

/** A list whose items' keys are unique; a repeat is reported at `<index>.key`. */
function keyedList<T extends z.ZodType<{ key: string }>>(item: T, min: number, max: number) {
  return z
    .array(item)
    .min(min)
    .max(max)
    .superRefine((items, check) => {
      const seen = new Set<string>();
      items.forEach((entry, index) => {
        if (seen.has(entry.key)) check.addIssue({ code: "custom", message: "key used twice", path: [index, "key"] });
        seen.add(entry.key);
      });
    });
}

export const evaluationContentShape = {
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  categories: keyedList(evaluationCategorySchema, 1, 30).describe("Outcome categories, e.g. prevention, detection"),
  questions: keyedList(evaluationQuestionSchema, 0, 100).default([]),
};

export const evaluationTemplateSchema = z
  .object({
    ...templateBaseShape,
    categories: z.array(z.object({ key: z.string(), label: z.string(), description: z.string() })),
    questions: z.array(z.object({ key: z.string(), text: z.string(), kind: questionKindSchema })),
  })
  .meta({ id: "EvaluationTemplate" });

export const evaluationTemplatePageSchema = pageOf(evaluationTemplateSchema, "EvaluationTemplatePage");

export const createEvaluationTemplateInput = z.object({ scope: createScopeField, ...evaluationContentShape });

export const updateEvaluationTemplateInput = z.object({
  id: z.uuid(),
  name: templateNameSchema.optional(),
  description: templateDescriptionSchema.optional(),
  categories: evaluationContentShape.categories.optional(),
  questions: keyedList(evaluationQuestionSchema, 0, 100).optional(),
});

export const listEvaluationTemplatesInput = templateListInput.prefault({});

export const reportFormatSchema = z.enum(["html", "docx"]).meta({ id: "ReportTemplateFormat" });

const bodySchema = z
  .string()
  .max(1_000_000)
  .superRefine((body, check) => {
    const problem = reportTemplateSyntaxError(body);
    if (problem) {
      check.addIssue({
        code: "custom",
        message: `Liquid syntax error at line ${problem.line}, column ${problem.column}: ${problem.message}`,
      });
    }
  })
  .describe(
    "Liquid that renders markdown (see the README's Reports section); a syntax error is refused with its line and column",
  );

export const reportContentShape = {
  name: templateNameSchema,
  description: templateDescriptionSchema.default(""),
  format: reportFormatSchema,
  body: bodySchema,
};

export const reportTemplateSchema = z
  .object({
    ...templateBaseShape,
    format: reportFormatSchema,
    body: z.string(),
    docxBase: z
      .object({ fileName: z.string(), sizeBytes: z.number().int(), uploadedAt: z.iso.datetime() })
      .nullable()
      .describe(
        "The uploaded Word base a docx report is rendered into (PUT /templates/reports/{id}/docx-base), or null",
      ),
  })
  .meta({ id: "ReportTemplate" });

export const reportTemplatePageSchema = pageOf(reportTemplateSchema, "ReportTemplatePage");

export const createReportTemplateInput = z.object({ scope: createScopeField, ...reportContentShape });

export const updateReportTemplateInput = z.object({
  id: z.uuid(),
  name: templateNameSchema.optional(),
  description: templateDescriptionSchema.optional(),
  format: reportFormatSchema.optional(),
  body: bodySchema.optional(),
});

export const listReportTemplatesInput = templateListInput
  .extend({ format: reportFormatSchema.optional() })
  .prefault({});

export type EvaluationTemplate = z.infer<typeof evaluationTemplateSchema>;
export type EvaluationContent = z.infer<z.ZodObject<typeof evaluationContentShape>>;
export type CreateEvaluationTemplateInput = z.infer<typeof createEvaluationTemplateInput>;
export type UpdateEvaluationTemplateInput = z.infer<typeof updateEvaluationTemplateInput>;
export type ListEvaluationTemplatesInput = z.infer<typeof listEvaluationTemplatesInput>;
export type ReportTemplate = z.infer<typeof reportTemplateSchema>;
export type ReportContent = z.infer<z.ZodObject<typeof reportContentShape>>;
export type CreateReportTemplateInput = z.infer<typeof createReportTemplateInput>;
export type UpdateReportTemplateInput = z.infer<typeof updateReportTemplateInput>;
export type ListReportTemplatesInput = z.infer<typeof listReportTemplatesInput>;
