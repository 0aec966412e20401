/** Evidence metadata (evidence.list, evidence.delete); upload and download are the Hono routes in evidence.http.ts. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { evidenceIdInput, evidencePageSchema, evidenceSchema, listEvidenceInput } from "./evidence.schemas.js";
import { deleteEvidence, listEvidence } from "./evidence.service.js";

const tags = ["evidence"];

export const evidenceRouter = router({
  list: orgProcedure
    .meta({ scope: "activities:read" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/activities/{activityId}/evidence",
        "Evidence files of an activity",
        "Upload with POST /api/v1/activities/{id}/evidence (multipart/form-data, field `file`); download with GET /api/v1/evidence/{id}.",
      ),
    )
    .input(listEvidenceInput)
    .output(evidencePageSchema)
    .query(({ ctx, input }) => listEvidence(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "activities:write" })
    .meta(orgRoute(tags, "DELETE", "/evidence/{id}", "Delete an evidence file", "The uploader's own; the lead any."))
    .input(evidenceIdInput)
    .output(evidenceSchema)
    .mutation(({ ctx, input }) => deleteEvidence(ctx, input.id)),
});
