/** Assessments (assessments.*): org-scoped, visible to owners/admins and to members on their ACL. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { cloneAssessment } from "./assessment-clone.service.js";
import {
  assessmentDetailSchema,
  assessmentIdInput,
  assessmentPageSchema,
  assessmentSchema,
  cloneAssessmentInput,
  createAssessmentInput,
  listAssessmentsInput,
  updateAssessmentInput,
} from "./assessments.schemas.js";
import {
  archiveAssessment,
  createAssessment,
  deleteAssessment,
  getAssessment,
  listAssessments,
  restoreAssessment,
  updateAssessment,
} from "./assessments.service.js";

const tags = ["assessments"];

export const assessmentsRouter = router({
  create: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/assessments", "Create an assessment", "The creator becomes its lead."))
    .input(createAssessmentInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => createAssessment(ctx, input)),
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assessments",
        "Assessments the caller may read",
        "Owners and admins see all; members those shared with them. Filter by status, date range (overlap), tag and text; sort by createdAt, name or startDate.",
      ),
    )
    .input(listAssessmentsInput)
    .output(assessmentPageSchema)
    .query(({ ctx, input }) => listAssessments(ctx, input)),
  get: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/assessments/{id}", "One assessment, with activity counts"))
    .input(assessmentIdInput)
    .output(assessmentDetailSchema)
    .query(({ ctx, input }) => getAssessment(ctx, input.id)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "PATCH", "/assessments/{id}", "Edit name, description, status, dates or tags (lead)"))
    .input(updateAssessmentInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => updateAssessment(ctx, input)),
  archive: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/assessments/{id}/archive", "Archive an assessment (lead)"))
    .input(assessmentIdInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => archiveAssessment(ctx, input.id)),
  delete: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "DELETE", "/assessments/{id}", "Delete an assessment (lead; restorable)"))
    .input(assessmentIdInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => deleteAssessment(ctx, input.id)),
  restore: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/assessments/{id}/restore", "Restore a deleted assessment (lead)"))
    .input(assessmentIdInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => restoreAssessment(ctx, input.id)),
  clone: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/assessments/{id}/clone",
        "Copy an assessment with its phases and activities",
        "withResults also copies red/blue results, evaluations and statuses. The caller leads the copy.",
      ),
    )
    .input(cloneAssessmentInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => cloneAssessment(ctx, input)),
});
