/** Activity groups (activityGroups.*): the ordered phases of an assessment. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  activityGroupPageSchema,
  activityGroupSchema,
  createGroupInput,
  groupIdInput,
  listGroupsInput,
  moveGroupInput,
  updateGroupInput,
} from "./activity-groups.schemas.js";
import { createGroup, deleteGroup, listGroups, moveGroup, updateGroup } from "./activity-groups.service.js";

const tags = ["activity groups"];

export const activityGroupsRouter = router({
  create: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/assessments/{assessmentId}/groups", "Add a phase at the end (lead)"))
    .input(createGroupInput)
    .output(activityGroupSchema)
    .mutation(({ ctx, input }) => createGroup(ctx, input)),
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/assessments/{assessmentId}/groups", "Phases of an assessment, in order"))
    .input(listGroupsInput)
    .output(activityGroupPageSchema)
    .query(({ ctx, input }) => listGroups(ctx, input)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "PATCH", "/activity-groups/{id}", "Rename or describe a phase (lead)"))
    .input(updateGroupInput)
    .output(activityGroupSchema)
    .mutation(({ ctx, input }) => updateGroup(ctx, input)),
  move: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        tags,
        "POST",
        "/activity-groups/{id}/move",
        "Reorder a phase (lead)",
        "Send beforeId or afterId; neither moves it to the end.",
      ),
    )
    .input(moveGroupInput)
    .output(activityGroupSchema)
    .mutation(({ ctx, input }) => moveGroup(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "DELETE", "/activity-groups/{id}", "Delete a phase (lead)", "Its activities stay, ungrouped."))
    .input(groupIdInput)
    .output(activityGroupSchema)
    .mutation(({ ctx, input }) => deleteGroup(ctx, input.id)),
});
