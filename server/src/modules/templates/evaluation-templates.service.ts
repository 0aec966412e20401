/** Evaluation templates: the outcome categories and custom questions an evaluation uses. */
import type { EvaluationTemplate as EvaluationTemplateRow } from "../../generated/prisma/client.js";
import type {
  CreateEvaluationTemplateInput,
  EvaluationTemplate,
  ListEvaluationTemplatesInput,
  UpdateEvaluationTemplateInput,
} from "./document-templates.schemas.js";
import { toTemplateBase } from "./template-common.schemas.js";
import {
  createTemplate,
  deleteTemplate,
  getTemplate,
  listTemplates,
  templateTable,
  updateTemplate,
} from "./template-crud.js";
import type { TemplateCtx } from "./template-scope.js";

/** The API shape of a row; the JSON columns hold what the input schema validated. */
export function toEvaluationTemplate(row: EvaluationTemplateRow): EvaluationTemplate {
  return {
    ...toTemplateBase(row),
    categories: row.categories as EvaluationTemplate["categories"],
    questions: row.questions as EvaluationTemplate["questions"],
  };
}

const evaluationTemplates = templateTable({
  kind: "evaluation",
  what: "Evaluation template",
  rows: (db) => db.evaluationTemplate,
  toApi: toEvaluationTemplate,
});

/** One page of the evaluation templates visible in `scope`, by name. */
export function listEvaluationTemplates(ctx: TemplateCtx, input: ListEvaluationTemplatesInput) {
  return listTemplates(ctx, evaluationTemplates, input);
}

/** One evaluation template. */
export function getEvaluationTemplate(ctx: TemplateCtx, id: string): Promise<EvaluationTemplate> {
  return getTemplate(ctx, evaluationTemplates, id);
}

/** Creates an evaluation template in the named organization, or globally (superusers). */
export function createEvaluationTemplate(
  ctx: TemplateCtx,
  input: CreateEvaluationTemplateInput,
): Promise<EvaluationTemplate> {
  return createTemplate(ctx, evaluationTemplates, input);
}

/** Edits the fields sent (categories and questions are replaced as a whole). */
export function updateEvaluationTemplate(
  ctx: TemplateCtx,
  input: UpdateEvaluationTemplateInput,
): Promise<EvaluationTemplate> {
  return updateTemplate(ctx, evaluationTemplates, input);
}

/** Deletes an evaluation template. */
export function deleteEvaluationTemplate(ctx: TemplateCtx, id: string): Promise<EvaluationTemplate> {
  return deleteTemplate(ctx, evaluationTemplates, id);
}
