/**
 * Report templates: a body (Liquid rendering markdown, see report-liquid.ts) and the format it
 * is meant for. A body that does not parse is refused by its schema (document-templates.schemas.ts).
 */
import type { ReportTemplate as ReportTemplateRow } from "../../generated/prisma/client.js";
import type {
  CreateReportTemplateInput,
  ListReportTemplatesInput,
  ReportTemplate,
  UpdateReportTemplateInput,
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

/** The API shape of a row. */
export function toReportTemplate(row: ReportTemplateRow): ReportTemplate {
  return { ...toTemplateBase(row), format: row.format, body: row.body };
}

const reportTemplates = templateTable({
  kind: "report",
  what: "Report template",
  rows: (db) => db.reportTemplate,
  toApi: toReportTemplate,
});

/** One page of the report templates visible in `scope` (of one format, if given), by name. */
export function listReportTemplates(ctx: TemplateCtx, input: ListReportTemplatesInput) {
  return listTemplates(ctx, reportTemplates, input, input.format ? [{ format: input.format }] : []);
}

/** One report template. */
export function getReportTemplate(ctx: TemplateCtx, id: string): Promise<ReportTemplate> {
  return getTemplate(ctx, reportTemplates, id);
}

/** Creates a report template in the named organization, or globally (superusers). */
export function createReportTemplate(ctx: TemplateCtx, input: CreateReportTemplateInput): Promise<ReportTemplate> {
  return createTemplate(ctx, reportTemplates, input);
}

/** Edits the fields sent. */
export function updateReportTemplate(ctx: TemplateCtx, input: UpdateReportTemplateInput): Promise<ReportTemplate> {
  return updateTemplate(ctx, reportTemplates, input);
}

/** Deletes a report template. */
export function deleteReportTemplate(ctx: TemplateCtx, id: string): Promise<ReportTemplate> {
  return deleteTemplate(ctx, reportTemplates, id);
}
