/** Assets of the organization (assets.*): hosts, accounts, applications, networks. */
import { router } from "../../trpc/init.js";
import { orgRoute } from "../../trpc/org-route.js";
import { orgProcedure } from "../../trpc/procedures.js";
import {
  assetIdInput,
  assetPageSchema,
  assetSchema,
  createAssetInput,
  listAssetsInput,
  updateAssetInput,
} from "./assets.schemas.js";
import { createAsset, deleteAsset, getAsset, listAssets, updateAsset } from "./assets.service.js";

const tags = ["assets"];

export const assetsRouter = router({
  list: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(
      orgRoute(
        tags,
        "GET",
        "/assets",
        "Assets of the organization, by name",
        "Filter by kind; search name and identifier.",
      ),
    )
    .input(listAssetsInput)
    .output(assetPageSchema)
    .query(({ ctx, input }) => listAssets(ctx, input)),
  get: orgProcedure
    .meta({ scope: "assessments:read" })
    .meta(orgRoute(tags, "GET", "/assets/{id}", "One asset"))
    .input(assetIdInput)
    .output(assetSchema)
    .query(({ ctx, input }) => getAsset(ctx, input.id)),
  create: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "POST", "/assets", "Add an asset (host, account, application or network)"))
    .input(createAssetInput)
    .output(assetSchema)
    .mutation(({ ctx, input }) => createAsset(ctx, input)),
  update: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(orgRoute(tags, "PATCH", "/assets/{id}", "Edit an asset"))
    .input(updateAssetInput)
    .output(assetSchema)
    .mutation(({ ctx, input }) => updateAsset(ctx, input)),
  delete: orgProcedure
    .meta({ scope: "assessments:write" })
    .meta(
      orgRoute(
        tags,
        "DELETE",
        "/assets/{id}",
        "Delete an asset",
        "Owners and admins; it is detached from every activity.",
      ),
    )
    .input(assetIdInput)
    .output(assetSchema)
    .mutation(({ ctx, input }) => deleteAsset(ctx, input.id)),
});
