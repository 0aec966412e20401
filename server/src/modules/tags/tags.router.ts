/** Tags of the organization (tags.*): org-wide labels for assessments and activities. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import { createTagInput, listTagsInput, tagIdInput, tagPageSchema, tagSchema, updateTagInput } from "./tags.schemas.js";
import { createTag, deleteTag, getTag, listTags, updateTag } from "./tags.service.js";

const tags = ["tags"];

export const tagsRouter = router({
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/tags", "Tags of the organization, by name"))
    .input(listTagsInput)
    .output(tagPageSchema)
    .query(({ ctx, input }) => listTags(ctx, input)),
  get: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/tags/{id}", "One tag"))
    .input(tagIdInput)
    .output(tagSchema)
    .query(({ ctx, input }) => getTag(ctx, input.id)),
  create: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/tags", "Create a tag", "Names are unique per organization (ignoring case)."))
    .input(createTagInput)
    .output(tagSchema)
    .mutation(({ ctx, input }) => createTag(ctx, input)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "PATCH", "/tags/{id}", "Rename, recolour or describe a tag"))
    .input(updateTagInput)
    .output(tagSchema)
    .mutation(({ ctx, input }) => updateTag(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        tags,
        "DELETE",
        "/tags/{id}",
        "Delete a tag",
        "Owners and admins; the tag is removed from every assessment and activity.",
      ),
    )
    .input(tagIdInput)
    .output(tagSchema)
    .mutation(({ ctx, input }) => deleteTag(ctx, input.id)),
});
