/** Imports (imports.*): an "assay.assessment" JSON document into a new assessment. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { importAssessmentJson } from "./assessment-import.service.js";
import { importAssessmentInput, importResultSchema } from "./imports.schemas.js";

export const importsRouter = router({
  assessmentJson: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        ["imports"],
        "POST",
        "/assessments/import",
        "Import an assessment document as a new assessment",
        "Reads the JSON document exports.assessmentJson writes, into a NEW assessment of the organization, in one transaction: tags are reused by name and assets by name and kind (created when missing), people are matched to members by email. Every problem is reported at once, each with its path in the document as field (e.g. activities[3].blue.outcome), and then nothing is imported. Needs create:assessment; the importer becomes the lead.",
      ),
    )
    .input(importAssessmentInput)
    .output(importResultSchema)
    .mutation(({ ctx, input }) => importAssessmentJson(ctx, input)),
});
