/** Exports (exports.*): an assessment as a JSON document, its activities as CSV, an ATT&CK Navigator layer. */
import { costlyRead } from "../../trpc/costly-reads.js";
import { fileDownload } from "../../trpc/file-download.js";
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { fileNameOf } from "./activities-csv.js";
import { type AssessmentDocument, assessmentDocumentSchema } from "./assessment-document.js";
import { exportAssessmentJson } from "./assessment-export.service.js";
import { type CsvFile, csvFileSchema, exportInput, navigatorLayerInput } from "./exports.schemas.js";
import { exportActivitiesCsv } from "./exports.service.js";
import { exportNavigatorLayer, type NavigatorLayer, navigatorLayerSchema } from "./navigator-layer.js";

const tags = ["exports"];
const WHO = "Anyone on the assessment (export:assessment).";

// Their REST paths name files: REST answers the file itself, tRPC the object.
const assessmentFile = fileDownload("application/json", (document: AssessmentDocument) => ({
  filename: fileNameOf(document.assessment.name, "assessment.json"),
  body: JSON.stringify(document, null, 2),
}));
const csvFile = fileDownload("text/csv", (file: CsvFile) => ({ filename: file.filename, body: file.content }));
const layerFile = fileDownload("application/json", (layer: NavigatorLayer) => ({
  filename: fileNameOf(layer.name, "navigator-layer.json"),
  body: JSON.stringify(layer, null, 2),
}));

export const exportsRouter = router({
  assessmentJson: orgProcedure
    .meta({ scope: "assessments:read" })
    .use(costlyRead)
    .meta({
      ...orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/export.json",
        "The whole assessment as a versioned JSON document",
        `format "assay.assessment", version 1: the assessment, its phases, its live activities (red, blue, evaluation, tags, target assets, comments), and the tags and assets they name. No database ids: local references (g1, a1), names and emails. imports.assessmentJson reads it back. REST answers it as a file download (<name>-assessment.json). ${WHO}`,
      ),
      download: assessmentFile,
    })
    .input(exportInput)
    .output(assessmentDocumentSchema)
    .query(({ ctx, input }) => exportAssessmentJson(ctx, input)),
  activitiesCsv: orgProcedure
    .meta({ scope: "assessments:read" })
    .use(costlyRead)
    .meta({
      ...orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/export.csv",
        "The activities as CSV",
        `RFC 4180 text (one row per activity: status, tactic, techniques joined by ';', red and blue fields, the evaluation per category). REST answers the CSV file itself (text/csv, Content-Disposition: attachment with its name); tRPC returns { filename, contentType, content }. Every field holding a comma, a quote or any line break (a lone CR or LF too) is quoted; text cells starting with = + - @, a tab or a CR (also after leading blanks) get a leading apostrophe against spreadsheet formula injection. ${WHO}`,
      ),
      download: csvFile,
    })
    .input(exportInput)
    .output(csvFileSchema)
    .query(({ ctx, input }) => exportActivitiesCsv(ctx, input)),
  navigatorLayer: orgProcedure
    .meta({ scope: "assessments:read" })
    .use(costlyRead)
    .meta({
      ...orgRoute(
        tags,
        "GET",
        "/assessments/{assessmentId}/navigator-layer.json",
        "An ATT&CK Navigator layer (format 4.5) scored by outcome",
        `One entry per (tactic, technique): score 0-100 from blue's outcomes (prevented/blocked 100, alerted 60, logged 40, not detected 0), green/amber/red, counts in the comment and metadata. REST answers it as a file download (<name>-navigator-layer.json). ${WHO}`,
      ),
      download: layerFile,
    })
    .input(navigatorLayerInput)
    .output(navigatorLayerSchema)
    .query(({ ctx, input }) => exportNavigatorLayer(ctx, input)),
});
