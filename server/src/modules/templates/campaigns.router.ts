/** campaigns.*: turning a campaign template into a new assessment of the organization. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { assessmentSchema } from "../assessments/assessments.schemas.js";
import { instantiateCampaign } from "./campaign-instantiate.service.js";
import { instantiateCampaignInput } from "./campaigns.schemas.js";

export const campaignsRouter = router({
  instantiate: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        ["templates"],
        "POST",
        "/campaigns/{campaignId}/instantiate",
        "Create an assessment from a campaign template",
        "One phase per group template and one planned activity per activity template (title, description, tactic, techniques), in order, in one transaction. The caller leads the new assessment.",
      ),
    )
    .input(instantiateCampaignInput)
    .output(assessmentSchema)
    .mutation(({ ctx, input }) => instantiateCampaign(ctx, input)),
});
