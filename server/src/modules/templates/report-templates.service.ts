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
import { docxBaseStorage } from "./docx-base-file.js";
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
  const docxBase =
    row.docxBaseFileName && row.docxBaseUploadedAt
      ? {
          fileName: row.docxBaseFileName,
          sizeBytes: row.docxBaseSize ?? 0,
          uploadedAt: row.docxBaseUploadedAt.toISOString(),
        }
      : null;
  return { ...toTemplateBase(row), format: row.format, body: row.body, docxBase };
}

export const reportTemplates = templateTable({
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

/** Deletes a report template, and its Word base's file if it has one. */
export async function deleteReportTemplate(ctx: TemplateCtx, id: string): Promise<ReportTemplate> {
  const row = await ctx.db.prisma.reportTemplate.findUnique({ where: { id }, select: { docxBaseStorageKey: true } });
  const deleted = await deleteTemplate(ctx, reportTemplates, id);
  if (row?.docxBaseStorageKey) {
    await docxBaseStorage(ctx)
      .delete(row.docxBaseStorageKey)
      .catch(() => undefined);
  }
  return deleted;
}
