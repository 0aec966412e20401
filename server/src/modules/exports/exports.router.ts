/** Exports (exports.*): an assessment as a JSON document, its activities as CSV, an ATT&CK Navigator layer. */
import { router } from "../../trpc/init.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { orgRoute } from "../assessments/scope.js";
import { assessmentDocumentSchema } from "./assessment-document.js";
import { exportAssessmentJson } from "./assessment-export.service.js";
import { csvFileSchema, exportInput } from "./exports.schemas.js";
import { exportActivitiesCsv } from "./exports.service.js";
import { exportNavigatorLayer, navigatorLayerSchema } from "./navigator-layer.js";

const tags = ["exports"];
const WHO = "Anyone on the assessment (export:assessment).";

export const exportsRouter = router({
  assessmentJson: orgProcedure
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/export.json",
        "The whole assessment as a versioned JSON document",
        `format "assay.assessment", version 1: the assessment, its phases, its live activities (red, blue, evaluation, tags, target assets, comments), and the tags and assets they name. No database ids: local references (g1, a1), names and emails. imports.assessmentJson reads it back. ${WHO}`,
      ),
    )
    .input(exportInput)
    .output(assessmentDocumentSchema)
    .query(({ ctx, input }) => exportAssessmentJson(ctx, input)),
  activitiesCsv: orgProcedure
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/export.csv",
        "The activities as CSV",
        `RFC 4180 text in content (one row per activity: status, tactic, techniques joined by ';', red and blue fields, the evaluation per category), with a file name. Text cells starting with = + - @ get a leading apostrophe against spreadsheet formula injection. ${WHO}`,
      ),
    )
    .input(exportInput)
    .output(csvFileSchema)
    .query(({ ctx, input }) => exportActivitiesCsv(ctx, input)),
  navigatorLayer: orgProcedure
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/navigator-layer.json",
        "An ATT&CK Navigator layer (format 4.5) scored by outcome",
        `One entry per (tactic, technique): score 0-100 from blue's outcomes (prevented/blocked 100, alerted 60, logged 40, not detected 0), green/amber/red, counts in the comment and metadata. ${WHO}`,
      ),
    )
    .input(exportInput)
    .output(navigatorLayerSchema)
    .query(({ ctx, input }) => exportNavigatorLayer(ctx, input)),
});
