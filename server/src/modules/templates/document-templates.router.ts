/** templates.evaluation.* (outcome categories and questions) and templates.report.* (report bodies). */
import { router } from "../../trpc/init.js";
import {
  createEvaluationTemplateInput,
  createReportTemplateInput,
  evaluationTemplatePageSchema,
  evaluationTemplateSchema,
  listEvaluationTemplatesInput,
  listReportTemplatesInput,
  reportTemplatePageSchema,
  reportTemplateSchema,
  updateEvaluationTemplateInput,
  updateReportTemplateInput,
} from "./document-templates.schemas.js";
import {
  createEvaluationTemplate,
  deleteEvaluationTemplate,
  getEvaluationTemplate,
  listEvaluationTemplates,
  updateEvaluationTemplate,
} from "./evaluation-templates.service.js";
import {
  createReportTemplate,
  deleteReportTemplate,
  getReportTemplate,
  listReportTemplates,
  updateReportTemplate,
} from "./report-templates.service.js";
import { templateIdInput } from "./template-common.schemas.js";
import { templateProcedure, templateRoute } from "./template-scope.js";

const WRITE_NOTE = "Organization templates need an owner or admin; global ones a superuser.";

export const evaluationTemplatesRouter = router({
  list: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/evaluations", "Evaluation templates, by name"))
    .input(listEvaluationTemplatesInput)
    .output(evaluationTemplatePageSchema)
    .query(({ ctx, input }) => listEvaluationTemplates(ctx, input)),
  get: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/evaluations/{id}", "One evaluation template"))
    .input(templateIdInput)
    .output(evaluationTemplateSchema)
    .query(({ ctx, input }) => getEvaluationTemplate(ctx, input.id)),
  create: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("POST", "/templates/evaluations", "Create an evaluation template", WRITE_NOTE))
    .input(createEvaluationTemplateInput)
    .output(evaluationTemplateSchema)
    .mutation(({ ctx, input }) => createEvaluationTemplate(ctx, input)),
  update: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("PATCH", "/templates/evaluations/{id}", "Edit an evaluation template", WRITE_NOTE))
    .input(updateEvaluationTemplateInput)
    .output(evaluationTemplateSchema)
    .mutation(({ ctx, input }) => updateEvaluationTemplate(ctx, input)),
  delete: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("DELETE", "/templates/evaluations/{id}", "Delete an evaluation template", WRITE_NOTE))
    .input(templateIdInput)
    .output(evaluationTemplateSchema)
    .mutation(({ ctx, input }) => deleteEvaluationTemplate(ctx, input.id)),
});

export const reportTemplatesRouter = router({
  list: templateProcedure
    .meta({ scope: "reports:read" })
    .meta(templateRoute("GET", "/templates/reports", "Report templates, by name"))
    .input(listReportTemplatesInput)
    .output(reportTemplatePageSchema)
    .query(({ ctx, input }) => listReportTemplates(ctx, input)),
  get: templateProcedure
    .meta({ scope: "reports:read" })
    .meta(templateRoute("GET", "/templates/reports/{id}", "One report template"))
    .input(templateIdInput)
    .output(reportTemplateSchema)
    .query(({ ctx, input }) => getReportTemplate(ctx, input.id)),
  create: templateProcedure
    .meta({ scope: "reports:write" })
    .meta(templateRoute("POST", "/templates/reports", "Create a report template", WRITE_NOTE))
    .input(createReportTemplateInput)
    .output(reportTemplateSchema)
    .mutation(({ ctx, input }) => createReportTemplate(ctx, input)),
  update: templateProcedure
    .meta({ scope: "reports:write" })
    .meta(templateRoute("PATCH", "/templates/reports/{id}", "Edit a report template", WRITE_NOTE))
    .input(updateReportTemplateInput)
    .output(reportTemplateSchema)
    .mutation(({ ctx, input }) => updateReportTemplate(ctx, input)),
  delete: templateProcedure
    .meta({ scope: "reports:write" })
    .meta(templateRoute("DELETE", "/templates/reports/{id}", "Delete a report template", WRITE_NOTE))
    .input(templateIdInput)
    .output(reportTemplateSchema)
    .mutation(({ ctx, input }) => deleteReportTemplate(ctx, input.id)),
});
