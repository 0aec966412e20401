/** reports.generate / list / get / delete; the file is the Hono route GET /api/v1/reports/{id}/download. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  generatedReportSchema,
  generateReportInput,
  listReportsInput,
  reportIdInput,
  reportPageSchema,
  reportSchema,
} from "./reports.schemas.js";
import { deleteReport, generateReport, getReport, listReports } from "./reports.service.js";

const tags = ["reports"];

export const reportsRouter = router({
  generate: orgProcedure
    .meta({ scope: "reports:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/assessments/{assessmentId}/reports",
        "Generate a report of an assessment",
        "Queued: poll GET /api/v1/reports/{id} until completed, then download GET /api/v1/reports/{id}/download. Anyone who may read the assessment. PDF needs Chromium on the server (422 UNPROCESSABLE otherwise).",
      ),
    )
    .input(generateReportInput)
    .output(generatedReportSchema)
    .mutation(({ ctx, input }) => generateReport(ctx, input)),
  list: orgProcedure
    .meta({ scope: "reports:read" })
    .meta(orgRoute(tags, "GET", "/assessments/{assessmentId}/reports", "Reports of an assessment, newest first"))
    .input(listReportsInput)
    .output(reportPageSchema)
    .query(({ ctx, input }) => listReports(ctx, input)),
  get: orgProcedure
    .meta({ scope: "reports:read" })
    .meta(orgRoute(tags, "GET", "/reports/{id}", "One report and its status"))
    .input(reportIdInput)
    .output(reportSchema)
    .query(({ ctx, input }) => getReport(ctx, input.id)),
  delete: orgProcedure
    .meta({ scope: "reports:write" })
    .meta(orgRoute(tags, "DELETE", "/reports/{id}", "Delete a report", "The requester's own; the lead any."))
    .input(reportIdInput)
    .output(reportSchema)
    .mutation(({ ctx, input }) => deleteReport(ctx, input.id)),
});
