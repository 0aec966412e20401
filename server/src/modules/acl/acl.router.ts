/** Per-assessment ACLs (acl.list, acl.grant, acl.update, acl.revoke). */
import { router } from "../../trpc/init.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { okSchema } from "../auth/auth.schemas.js";
import { orgRoute, type RouteMethod } from "../orgs/orgs.schemas.js";
import { aclEntrySchema, aclGrantInput, aclPageSchema, aclTargetInput, listAclInput } from "./acl.schemas.js";
import { grantAcl, listAcl, revokeAcl, updateAcl } from "./acl.service.js";

const tags = ["acl"];
const manage = "The assessment's lead, or an owner or admin of its organization.";

const meta = (method: RouteMethod, path: `/${string}`, summary: string, who: string) =>
  orgRoute(tags, method, path, summary, who);

export const aclRouter = router({
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(
      meta(
        "GET",
        "/assessments/{assessmentId}/acl",
        "Who holds which role on the assessment",
        "Anyone who can read the assessment.",
      ),
    )
    .input(listAclInput)
    .output(aclPageSchema)
    .query(({ ctx, input }) => listAcl(ctx, input)),
  grant: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      meta(
        "POST",
        "/assessments/{assessmentId}/acl",
        "Give a member of the organization a role on the assessment",
        manage,
      ),
    )
    .input(aclGrantInput)
    .output(aclEntrySchema)
    .mutation(({ ctx, input }) => grantAcl(ctx, input)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(meta("PUT", "/assessments/{assessmentId}/acl/{userId}", "Change a user's role on the assessment", manage))
    .input(aclGrantInput)
    .output(aclEntrySchema)
    .mutation(({ ctx, input }) => updateAcl(ctx, input)),
  revoke: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      meta("DELETE", "/assessments/{assessmentId}/acl/{userId}", "Take a user's role on the assessment away", manage),
    )
    .input(aclTargetInput)
    .output(okSchema)
    .mutation(async ({ ctx, input }) => {
      await revokeAcl(ctx, input);
      return { ok: true as const };
    }),
});
