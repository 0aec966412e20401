/**
 * Activity-group templates: a phase plan, i.e. activity templates in order. Deleting one
 * removes it from the campaign templates that list it, in the same transaction.
 */
import type { Prisma } from "../../generated/prisma/client.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import {
  assertActivityTemplatesUsable,
  groupInclude,
  toGroupTemplate,
  writeCampaignItems,
  writeGroupItems,
} from "./sequence-refs.js";
import type {
  CreateGroupTemplateInput,
  GroupTemplate,
  ListGroupTemplatesInput,
  UpdateGroupTemplateInput,
} from "./sequence-templates.schemas.js";
import { auditTemplate } from "./template-audit.js";
import { assertNameFree } from "./template-names.js";
import {
  assertTemplateAccess,
  scopeFilter,
  type TemplateCtx,
  templateNotFound,
  textSearch,
  writableScope,
} from "./template-scope.js";

const WHAT = "Activity-group template";

/** One page of the group templates visible in `scope`, by name. */
export async function listGroupTemplates(ctx: TemplateCtx, input: ListGroupTemplatesInput) {
  const where: Prisma.ActivityGroupTemplateWhereInput = {
    AND: [await scopeFilter(ctx, input.scope), ...textSearch(input.q)],
  };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.activityGroupTemplate.count({ where }),
    prisma.activityGroupTemplate.findMany({
      where,
      include: groupInclude,
      orderBy: [{ name: "asc" }, { id: "asc" }],
      ...pageWindow(input),
    }),
  ]);
  return toPage(rows.map(toGroupTemplate), total, input.page, input.pageSize);
}

async function findGroupTemplate(ctx: TemplateCtx, id: string, options: { write?: boolean } = {}) {
  const row = await ctx.db.prisma.activityGroupTemplate.findUnique({ where: { id }, include: groupInclude });
  if (!row) throw templateNotFound(WHAT);
  await assertTemplateAccess(ctx, row.organizationId, WHAT, options);
  return row;
}

/** One group template with its activity templates in order. */
export async function getGroupTemplate(ctx: TemplateCtx, id: string): Promise<GroupTemplate> {
  return toGroupTemplate(await findGroupTemplate(ctx, id));
}

/** Creates a group template in the named organization, or globally (superusers). */
export async function createGroupTemplate(ctx: TemplateCtx, input: CreateGroupTemplateInput): Promise<GroupTemplate> {
  const organizationId = await writableScope(ctx, input.scope);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertNameFree(tx, "activityGroup", organizationId, input.name);
    await assertActivityTemplatesUsable(tx, organizationId, input.activityTemplateIds);
    const created = await tx.activityGroupTemplate.create({
      data: { organizationId, name: input.name, description: input.description, createdById: ctx.user.id },
    });
    await writeGroupItems(tx, created.id, input.activityTemplateIds);
    await auditTemplate(ctx, tx, "created", "activityGroup", created);
    return tx.activityGroupTemplate.findUniqueOrThrow({ where: { id: created.id }, include: groupInclude });
  });
  return toGroupTemplate(row);
}

/** Renames, redescribes or reorders (replaces the activity list of) a group template. */
export async function updateGroupTemplate(ctx: TemplateCtx, input: UpdateGroupTemplateInput): Promise<GroupTemplate> {
  const current = await findGroupTemplate(ctx, input.id, { write: true });
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (input.name !== undefined) {
      await assertNameFree(tx, "activityGroup", current.organizationId, input.name, current.id);
    }
    if (input.activityTemplateIds !== undefined) {
      await assertActivityTemplatesUsable(tx, current.organizationId, input.activityTemplateIds);
      await writeGroupItems(tx, current.id, input.activityTemplateIds);
    }
    const updated = await tx.activityGroupTemplate.update({
      where: { id: current.id },
      data: {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description }),
        updatedAt: ctx.clock.now(),
      },
      include: groupInclude,
    });
    const fields = Object.keys(input).filter((key) => key !== "id");
    await auditTemplate(ctx, tx, "updated", "activityGroup", updated, { fields });
    return updated;
  });
  return toGroupTemplate(row);
}

/** Deletes a group template and removes it from the campaign templates that list it. */
export async function deleteGroupTemplate(ctx: TemplateCtx, id: string): Promise<GroupTemplate> {
  const current = await findGroupTemplate(ctx, id, { write: true });
  await ctx.db.prisma.$transaction(async (tx) => {
    const uses = await tx.campaignTemplateItem.findMany({
      where: { groupTemplateId: id },
      select: { campaignTemplateId: true },
    });
    const campaignIds = [...new Set(uses.map((u) => u.campaignTemplateId))];
    await tx.activityGroupTemplate.delete({ where: { id } });
    // The cascade left gaps in those campaigns' positions: renumber what remains, in order.
    for (const campaignTemplateId of campaignIds) {
      const left = await tx.campaignTemplateItem.findMany({
        where: { campaignTemplateId },
        orderBy: { position: "asc" },
        select: { groupTemplateId: true },
      });
      await writeCampaignItems(
        tx,
        campaignTemplateId,
        left.map((item) => item.groupTemplateId),
      );
    }
    await auditTemplate(ctx, tx, "deleted", "activityGroup", current, { removedFromCampaignTemplates: campaignIds });
  });
  return toGroupTemplate(current);
}
