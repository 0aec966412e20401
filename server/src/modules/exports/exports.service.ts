/** Exports of an assessment (anyone on it may export): CSV of its activities. */

import type { OrgCtx } from "../../identity/contexts.js";
import { requireAssessment } from "../assessments/assessments.service.js";
import { activitiesCsv, fileNameOf } from "./activities-csv.js";
import { buildAssessmentDocument } from "./assessment-export.service.js";
import type { CsvFile } from "./exports.schemas.js";

/** One row per live activity, in order, with red, blue and the evaluation per category. */
export async function exportActivitiesCsv(ctx: OrgCtx, input: { assessmentId: string }): Promise<CsvFile> {
  await requireAssessment(ctx, input.assessmentId, "export:assessment", "assessmentId");
  const document = await buildAssessmentDocument(ctx, input.assessmentId);
  return {
    filename: fileNameOf(document.assessment.name, "activities.csv"),
    contentType: "text/csv",
    content: activitiesCsv(document),
  };
}
