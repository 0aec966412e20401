/**
 * Tags of an organization. Anyone who may create assessments may add and edit tags (they
 * are shared working vocabulary); deleting one, which strips it from every assessment and
 * activity, is for those who lead all assessments (owners and admins).
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { isUuid } from "../../lib/ids.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordHistories, setChange } from "../activity-history/activity-history.js";
import { type CreateTagInput, type ListTagsInput, type Tag, toTag, type UpdateTagInput } from "./tags.schemas.js";

const nameTaken = () => new AppError("CONFLICT", "A tag with this name already exists", "name");

function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}

async function assertNameFree(tx: Tx, organizationId: string, name: string, exceptId?: string): Promise<void> {
  const clash = await tx.tag.findFirst({
    where: {
      organizationId,
      name: { equals: name, mode: "insensitive" },
      ...(exceptId ? { id: { not: exceptId } } : {}),
    },
    select: { id: true },
  });
  if (clash) throw nameTaken();
}

/** Throws NOT_FOUND (on `field`) unless every id is a tag of the organization. */
export async function assertTagsInOrg(tx: Tx, organizationId: string, ids: string[], field = "tagIds"): Promise<void> {
  if (ids.length === 0) return;
  const found = await tx.tag.count({ where: { organizationId, id: { in: ids } } });
  if (found !== new Set(ids).size) throw notFound("Tag", field);
}

/** The organization's tags, by name. */
export async function listTags(ctx: OrgCtx, input: ListTagsInput) {
  requireOrgPermission(ctx.org, "read:organization");
  const where: Prisma.TagWhereInput = { organizationId: ctx.org.id };
  if (input.q) where.name = { contains: likeLiteral(input.q), mode: "insensitive" };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.tag.count({ where }),
    prisma.tag.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toTag), total, input.page, input.pageSize);
}

async function findTag(ctx: OrgCtx, id: string) {
  const row = isUuid(id) ? await ctx.db.prisma.tag.findFirst({ where: { id, organizationId: ctx.org.id } }) : null;
  if (!row) throw notFound("Tag");
  return row;
}

/** One tag of the organization. */
export async function getTag(ctx: OrgCtx, id: string): Promise<Tag> {
  requireOrgPermission(ctx.org, "read:organization");
  return toTag(await findTag(ctx, id));
}

/** Creates a tag; names are unique per organization, ignoring case. */
export async function createTag(ctx: OrgCtx, input: CreateTagInput): Promise<Tag> {
  requireOrgPermission(ctx.org, "create:assessment");
  const row = await ctx.db.prisma
    .$transaction(async (tx) => {
      await assertNameFree(tx, ctx.org.id, input.name);
      return tx.tag.create({ data: { organizationId: ctx.org.id, ...input } });
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken() : error;
    });
  return toTag(row);
}

/** Renames, recolours or redescribes a tag. */
export async function updateTag(ctx: OrgCtx, input: UpdateTagInput): Promise<Tag> {
  requireOrgPermission(ctx.org, "create:assessment");
  const { id, ...changes } = input;
  await findTag(ctx, id);
  const row = await ctx.db.prisma
    .$transaction(async (tx) => {
      if (changes.name !== undefined) await assertNameFree(tx, ctx.org.id, changes.name, id);
      return tx.tag.update({ where: { id }, data: defined(changes) });
    })
    .catch((error: unknown) => {
      throw isUniqueViolation(error) ? nameTaken() : error;
    });
  return toTag(row);
}

/** Deletes a tag and removes it from every assessment and activity (each activity's history notes it). */
export async function deleteTag(ctx: OrgCtx, id: string): Promise<Tag> {
  requireOrgPermission(ctx.org, "lead:assessments");
  const row = await findTag(ctx, id);
  await ctx.db.prisma.$transaction(async (tx) => {
    const tagged = await tx.activity.findMany({
      where: { organizationId: ctx.org.id, tags: { some: { tagId: id } } },
      select: { id: true, tags: { select: { tagId: true } } },
    });
    await tx.tag.delete({ where: { id: row.id } });
    await recordHistories(
      tx,
      ctx,
      tagged.flatMap((a) =>
        setChange(
          "tagIds",
          a.tags.map((t) => t.tagId),
          a.tags.map((t) => t.tagId).filter((t) => t !== id),
        ).map((change) => ({ ...change, activityId: a.id })),
      ),
    );
  });
  return toTag(row);
}
