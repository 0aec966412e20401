/** Inputs and outputs of reports (the file itself is downloaded from GET /api/v1/reports/{id}/download). */
import { z } from "zod";
import type { Report as ReportRow } from "../../generated/prisma/client.js";
import { pageInput, pageOf } from "../../lib/pagination.js";

export const reportFormatSchema = z.enum(["docx", "html", "pdf"]).meta({ id: "ReportFormat" });
export const reportStatusSchema = z.enum(["pending", "running", "completed", "failed"]).meta({ id: "ReportStatus" });

export const reportSchema = z
  .object({
    id: z.uuid(),
    assessmentId: z.uuid(),
    templateId: z.uuid().nullable().describe("The report template used; null for the built-in default"),
    format: reportFormatSchema,
    status: reportStatusSchema,
    fileName: z.string().describe("The download's file name"),
    sizeBytes: z.number().int().nonnegative().nullable().describe("Set once completed"),
    error: z.string().nullable().describe("Why generation failed"),
    createdAt: z.iso.datetime(),
    completedAt: z.iso.datetime().nullable().describe("When generation completed or failed"),
    downloadPath: z.string().describe("GET it with the same bearer token and X-Organization-Id once completed"),
  })
  .meta({ id: "Report" });

export const reportPageSchema = pageOf(reportSchema, "ReportPage");

export const generateReportInput = z.object({
  assessmentId: z.uuid(),
  format: reportFormatSchema,
  templateId: z.uuid().optional().describe("A report template of the organization or a global one; default built in"),
});

export const generatedReportSchema = z
  .object({ id: z.uuid(), status: reportStatusSchema })
  .meta({ id: "GeneratedReport" });

export const listReportsInput = pageInput.extend({ assessmentId: z.uuid() });
export const reportIdInput = z.object({ id: z.uuid() });

export type Report = z.infer<typeof reportSchema>;
export type ReportFormat = z.infer<typeof reportFormatSchema>;
export type GenerateReportInput = z.infer<typeof generateReportInput>;
export type ListReportsInput = z.infer<typeof listReportsInput>;

/** Media types of the formats. */
export const REPORT_CONTENT_TYPES: Record<ReportFormat, string> = {
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  html: "text/html; charset=utf-8",
  pdf: "application/pdf",
};

/** The API shape of a row. */
export function toReport(row: ReportRow): Report {
  return {
    id: row.id,
    assessmentId: row.assessmentId,
    templateId: row.templateId,
    format: row.format,
    status: row.status,
    fileName: row.fileName,
    sizeBytes: row.sizeBytes,
    error: row.error,
    createdAt: row.createdAt.toISOString(),
    completedAt: row.completedAt?.toISOString() ?? null,
    downloadPath: `/api/v1/reports/${row.id}/download`,
  };
}
