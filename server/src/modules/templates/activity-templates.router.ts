/** templates.activity.*: activity templates, global (Atomic Red Team, superusers' own) and per organization. */
import { router } from "../../trpc/init.js";
import {
  activityTemplatePageSchema,
  activityTemplateSchema,
  createActivityTemplateInput,
  listActivityTemplatesInput,
  updateActivityTemplateInput,
} from "./activity-templates.schemas.js";
import {
  createActivityTemplate,
  deleteActivityTemplate,
  getActivityTemplate,
  listActivityTemplates,
  updateActivityTemplate,
} from "./activity-templates.service.js";
import { templateIdInput } from "./template-common.schemas.js";
import { templateProcedure, templateRoute } from "./template-scope.js";

const WRITE_NOTE = "Organization templates need an owner or admin; global ones a superuser.";

export const activityTemplatesRouter = router({
  list: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(
      templateRoute(
        "GET",
        "/templates/activities",
        "Activity templates, by name",
        "Search in name and description; filter by technique, platform, source, tactic and scope.",
      ),
    )
    .input(listActivityTemplatesInput)
    .output(activityTemplatePageSchema)
    .query(({ ctx, input }) => listActivityTemplates(ctx, input)),
  get: templateProcedure
    .meta({ scope: "assessments:read" })
    .meta(templateRoute("GET", "/templates/activities/{id}", "One activity template"))
    .input(templateIdInput)
    .output(activityTemplateSchema)
    .query(({ ctx, input }) => getActivityTemplate(ctx, input.id)),
  create: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("POST", "/templates/activities", "Create an activity template", WRITE_NOTE))
    .input(createActivityTemplateInput)
    .output(activityTemplateSchema)
    .mutation(({ ctx, input }) => createActivityTemplate(ctx, input)),
  update: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(templateRoute("PATCH", "/templates/activities/{id}", "Edit an activity template", WRITE_NOTE))
    .input(updateActivityTemplateInput)
    .output(activityTemplateSchema)
    .mutation(({ ctx, input }) => updateActivityTemplate(ctx, input)),
  delete: templateProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      templateRoute(
        "DELETE",
        "/templates/activities/{id}",
        "Delete an activity template",
        `It is also removed from the group templates that list it. ${WRITE_NOTE}`,
      ),
    )
    .input(templateIdInput)
    .output(activityTemplateSchema)
    .mutation(({ ctx, input }) => deleteActivityTemplate(ctx, input.id)),
});
