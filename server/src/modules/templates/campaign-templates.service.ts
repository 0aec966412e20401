/** Campaign templates: a whole assessment plan, i.e. activity-group templates in order. */
import {
  assertGroupTemplatesUsable,
  campaignInclude,
  toCampaignTemplate,
  writeCampaignItems,
} from "./sequence-refs.js";
import type {
  CampaignTemplate,
  CreateCampaignTemplateInput,
  ListCampaignTemplatesInput,
  UpdateCampaignTemplateInput,
} from "./sequence-templates.schemas.js";
import { auditTemplate } from "./template-audit.js";
import { deleteTemplate, findTemplate, getTemplate, listTemplates, templateTable } from "./template-crud.js";
import { assertNameFree } from "./template-names.js";
import { type TemplateCtx, writableScope } from "./template-scope.js";

const campaignTemplates = templateTable({
  kind: "campaign",
  what: "Campaign template",
  rows: (db) => db.campaignTemplate,
  toApi: toCampaignTemplate,
  read: { include: campaignInclude },
});

/** One page of the campaign templates visible in `scope`, by name. */
export function listCampaignTemplates(ctx: TemplateCtx, input: ListCampaignTemplatesInput) {
  return listTemplates(ctx, campaignTemplates, input);
}

/** The campaign template `id` with its groups and their activities, if the caller may see it. */
export function findCampaignTemplate(ctx: TemplateCtx, id: string, options: { write?: boolean; field?: string } = {}) {
  return findTemplate(ctx, campaignTemplates, id, options);
}

/** One campaign template with its group templates (and their activity templates) in order. */
export function getCampaignTemplate(ctx: TemplateCtx, id: string): Promise<CampaignTemplate> {
  return getTemplate(ctx, campaignTemplates, id);
}

/** Creates a campaign template in the named organization, or globally (superusers). */
export async function createCampaignTemplate(
  ctx: TemplateCtx,
  input: CreateCampaignTemplateInput,
): Promise<CampaignTemplate> {
  const organizationId = await writableScope(ctx, input.scope);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertNameFree(tx, "campaign", organizationId, input.name);
    await assertGroupTemplatesUsable(tx, organizationId, input.groupTemplateIds);
    const created = await tx.campaignTemplate.create({
      data: { organizationId, name: input.name, description: input.description, createdById: ctx.user.id },
    });
    await writeCampaignItems(tx, created.id, input.groupTemplateIds);
    await auditTemplate(ctx, tx, "created", "campaign", created);
    return tx.campaignTemplate.findUniqueOrThrow({ where: { id: created.id }, include: campaignInclude });
  });
  return toCampaignTemplate(row);
}

/** Renames, redescribes or reorders (replaces the group list of) a campaign template. */
export async function updateCampaignTemplate(
  ctx: TemplateCtx,
  input: UpdateCampaignTemplateInput,
): Promise<CampaignTemplate> {
  const current = await findCampaignTemplate(ctx, input.id, { write: true });
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (input.name !== undefined) await assertNameFree(tx, "campaign", current.organizationId, input.name, current.id);
    if (input.groupTemplateIds !== undefined) {
      await assertGroupTemplatesUsable(tx, current.organizationId, input.groupTemplateIds);
      await writeCampaignItems(tx, current.id, input.groupTemplateIds);
    }
    const updated = await tx.campaignTemplate.update({
      where: { id: current.id },
      data: {
        ...(input.name === undefined ? {} : { name: input.name }),
        ...(input.description === undefined ? {} : { description: input.description }),
        updatedAt: ctx.clock.now(),
      },
      include: campaignInclude,
    });
    const fields = Object.keys(input).filter((key) => key !== "id");
    await auditTemplate(ctx, tx, "updated", "campaign", updated, { fields });
    return updated;
  });
  return toCampaignTemplate(row);
}

/** Deletes a campaign template (assessments made from it are not touched). */
export function deleteCampaignTemplate(ctx: TemplateCtx, id: string): Promise<CampaignTemplate> {
  return deleteTemplate(ctx, campaignTemplates, id);
}
