/** templates.activityGroup.* (ordered activity templates) and templates.campaign.* (ordered group templates). */
import { router } from "../../trpc/init.js";
import {
  createCampaignTemplate,
  deleteCampaignTemplate,
  getCampaignTemplate,
  listCampaignTemplates,
  updateCampaignTemplate,
} from "./campaign-templates.service.js";
import {
  createGroupTemplate,
  deleteGroupTemplate,
  getGroupTemplate,
  listGroupTemplates,
  updateGroupTemplate,
} from "./group-templates.service.js";
import {
  campaignTemplatePageSchema,
  campaignTemplateSchema,
  createCampaignTemplateInput,
  createGroupTemplateInput,
  groupTemplatePageSchema,
  groupTemplateSchema,
  listCampaignTemplatesInput,
  listGroupTemplatesInput,
  updateCampaignTemplateInput,
  updateGroupTemplateInput,
} from "./sequence-templates.schemas.js";
import { templateIdInput } from "./template-common.schemas.js";
import { templateProcedure, templateRoute } from "./template-scope.js";

const WRITE_NOTE = "Organization templates need an owner or admin; global ones a superuser.";

export const groupTemplatesRouter = router({
  list: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/activity-groups", "Activity-group templates, by name"))
    .input(listGroupTemplatesInput)
    .output(groupTemplatePageSchema)
    .query(({ ctx, input }) => listGroupTemplates(ctx, input)),
  get: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/activity-groups/{id}", "One activity-group template, activities in order"))
    .input(templateIdInput)
    .output(groupTemplateSchema)
    .query(({ ctx, input }) => getGroupTemplate(ctx, input.id)),
  create: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("POST", "/templates/activity-groups", "Create an activity-group template", WRITE_NOTE))
    .input(createGroupTemplateInput)
    .output(groupTemplateSchema)
    .mutation(({ ctx, input }) => createGroupTemplate(ctx, input)),
  update: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      templateRoute(
        "PATCH",
        "/templates/activity-groups/{id}",
        "Rename or reorder an activity-group template",
        `activityTemplateIds replaces the whole list. ${WRITE_NOTE}`,
      ),
    )
    .input(updateGroupTemplateInput)
    .output(groupTemplateSchema)
    .mutation(({ ctx, input }) => updateGroupTemplate(ctx, input)),
  delete: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      templateRoute(
        "DELETE",
        "/templates/activity-groups/{id}",
        "Delete an activity-group template",
        `It is also removed from the campaign templates that list it. ${WRITE_NOTE}`,
      ),
    )
    .input(templateIdInput)
    .output(groupTemplateSchema)
    .mutation(({ ctx, input }) => deleteGroupTemplate(ctx, input.id)),
});

export const campaignTemplatesRouter = router({
  list: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/campaigns", "Campaign templates, by name"))
    .input(listCampaignTemplatesInput)
    .output(campaignTemplatePageSchema)
    .query(({ ctx, input }) => listCampaignTemplates(ctx, input)),
  get: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/campaigns/{id}", "One campaign template, groups and activities in order"))
    .input(templateIdInput)
    .output(campaignTemplateSchema)
    .query(({ ctx, input }) => getCampaignTemplate(ctx, input.id)),
  create: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("POST", "/templates/campaigns", "Create a campaign template", WRITE_NOTE))
    .input(createCampaignTemplateInput)
    .output(campaignTemplateSchema)
    .mutation(({ ctx, input }) => createCampaignTemplate(ctx, input)),
  update: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      templateRoute(
        "PATCH",
        "/templates/campaigns/{id}",
        "Rename or reorder a campaign template",
        `groupTemplateIds replaces the whole list. ${WRITE_NOTE}`,
      ),
    )
    .input(updateCampaignTemplateInput)
    .output(campaignTemplateSchema)
    .mutation(({ ctx, input }) => updateCampaignTemplate(ctx, input)),
  delete: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("DELETE", "/templates/campaigns/{id}", "Delete a campaign template", WRITE_NOTE))
    .input(templateIdInput)
    .output(campaignTemplateSchema)
    .mutation(({ ctx, input }) => deleteCampaignTemplate(ctx, input.id)),
});
