/**
 * Assets of an organization, reused as target assets across its assessments. Members who
 * may create assessments maintain the inventory; deleting an asset (which detaches it from
 * every activity) is for those who lead all assessments (owners and admins).
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { notFound } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { isUuid } from "../../lib/ids.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordHistories, setChange } from "../activity-history/activity-history.js";
import {
  type Asset,
  type CreateAssetInput,
  type ListAssetsInput,
  toAsset,
  type UpdateAssetInput,
} from "./assets.schemas.js";

/** Throws NOT_FOUND (on `field`) unless every id is an asset of the organization. */
export async function assertAssetsInOrg(tx: Tx, organizationId: string, ids: string[], field = "assetIds") {
  if (ids.length === 0) return;
  const found = await tx.asset.count({ where: { organizationId, id: { in: ids } } });
  if (found !== new Set(ids).size) throw notFound("Asset", field);
}

/** The organization's assets by name, optionally of one kind or matching a search. */
export async function listAssets(ctx: OrgCtx, input: ListAssetsInput) {
  requireOrgPermission(ctx.org, "read:organization");
  const where: Prisma.AssetWhereInput = { organizationId: ctx.org.id };
  if (input.kind) where.kind = input.kind;
  if (input.q) {
    const q = likeLiteral(input.q);
    where.OR = [{ name: { contains: q, mode: "insensitive" } }, { identifier: { contains: q, mode: "insensitive" } }];
  }
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.asset.count({ where }),
    prisma.asset.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toAsset), total, input.page, input.pageSize);
}

async function findAsset(ctx: OrgCtx, id: string) {
  const row = isUuid(id) ? await ctx.db.prisma.asset.findFirst({ where: { id, organizationId: ctx.org.id } }) : null;
  if (!row) throw notFound("Asset");
  return row;
}

/** One asset of the organization. */
export async function getAsset(ctx: OrgCtx, id: string): Promise<Asset> {
  requireOrgPermission(ctx.org, "read:organization");
  return toAsset(await findAsset(ctx, id));
}

/** Adds an asset to the inventory. */
export async function createAsset(ctx: OrgCtx, input: CreateAssetInput): Promise<Asset> {
  requireOrgPermission(ctx.org, "create:assessment");
  return toAsset(await ctx.db.prisma.asset.create({ data: { organizationId: ctx.org.id, ...input } }));
}

/** Edits an asset; activities pointing at it see the change. */
export async function updateAsset(ctx: OrgCtx, input: UpdateAssetInput): Promise<Asset> {
  requireOrgPermission(ctx.org, "create:assessment");
  const { id, ...changes } = input;
  await findAsset(ctx, id);
  return toAsset(await ctx.db.prisma.asset.update({ where: { id }, data: defined(changes) }));
}

/** Deletes an asset and detaches it from every activity (each activity's history notes it). */
export async function deleteAsset(ctx: OrgCtx, id: string): Promise<Asset> {
  requireOrgPermission(ctx.org, "lead:assessments");
  const row = await findAsset(ctx, id);
  await ctx.db.prisma.$transaction(async (tx) => {
    const targeting = await tx.activity.findMany({
      where: { organizationId: ctx.org.id, assets: { some: { assetId: id } } },
      select: { id: true, assets: { select: { assetId: true } } },
    });
    await tx.asset.delete({ where: { id: row.id } });
    await recordHistories(
      tx,
      ctx,
      targeting.flatMap((a) =>
        setChange(
          "assetIds",
          a.assets.map((s) => s.assetId),
          a.assets.map((s) => s.assetId).filter((s) => s !== id),
        ).map((change) => ({ ...change, activityId: a.id })),
      ),
    );
  });
  return toAsset(row);
}
