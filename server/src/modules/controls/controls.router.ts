/** Defensive controls of the organization (controls.*): members read, owners and admins manage. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  controlIdInput,
  controlPageSchema,
  controlSchema,
  createControlInput,
  listControlsInput,
  updateControlInput,
} from "./controls.schemas.js";
import { createControl, deleteControl, getControl, listControls, updateControl } from "./controls.service.js";

const tags = ["controls"];

export const controlsRouter = router({
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/controls", "Defensive controls of the organization, by name"))
    .input(listControlsInput)
    .output(controlPageSchema)
    .query(({ ctx, input }) => listControls(ctx, input)),
  get: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/controls/{id}", "One defensive control"))
    .input(controlIdInput)
    .output(controlSchema)
    .query(({ ctx, input }) => getControl(ctx, input.id)),
  create: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/controls", "Add a defensive control", "Owners and admins; names are unique."))
    .input(createControlInput)
    .output(controlSchema)
    .mutation(({ ctx, input }) => createControl(ctx, input)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "PATCH", "/controls/{id}", "Change a defensive control", "Owners and admins."))
    .input(updateControlInput)
    .output(controlSchema)
    .mutation(({ ctx, input }) => updateControl(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        tags,
        "DELETE",
        "/controls/{id}",
        "Remove a defensive control",
        "Owners and admins; its outcomes on activities and its alerts go with it.",
      ),
    )
    .input(controlIdInput)
    .output(controlSchema)
    .mutation(({ ctx, input }) => deleteControl(ctx, input.id)),
});
