/**
 * Activity-group templates: a phase plan, i.e. activity templates in order. Deleting one
 * removes it from the campaign templates that list it, in the same transaction.
 */
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
import { findTemplate, getTemplate, listTemplates, templateTable } from "./template-crud.js";
import { assertNameFree } from "./template-names.js";
import { type TemplateCtx, writableScope } from "./template-scope.js";

const groupTemplates = templateTable({
  kind: "activityGroup",
  what: "Activity-group template",
  rows: (db) => db.activityGroupTemplate,
  toApi: toGroupTemplate,
  read: { include: groupInclude },
});

/** One page of the group templates visible in `scope`, by name. */
export function listGroupTemplates(ctx: TemplateCtx, input: ListGroupTemplatesInput) {
  return listTemplates(ctx, groupTemplates, input);
}

/** One group template with its activity templates in order. */
export function getGroupTemplate(ctx: TemplateCtx, id: string): Promise<GroupTemplate> {
  return getTemplate(ctx, groupTemplates, id);
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
  const current = await findTemplate(ctx, groupTemplates, input.id, { write: true });
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
  const current = await findTemplate(ctx, groupTemplates, id, { write: true });
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
