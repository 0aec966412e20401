/**
 * Activity templates: the global library (Atomic Red Team tests and superusers' own) and each
 * organization's. Deleting one is a soft delete (the Atomic importer keys rows by GUID) that
 * also takes it out of every group template listing it, in the same transaction.
 */
import type { ActivityTemplate as ActivityTemplateRow, Prisma } from "../../generated/prisma/client.js";
import type {
  ActivityTemplate,
  CreateActivityTemplateInput,
  ListActivityTemplatesInput,
  UpdateActivityTemplateInput,
} from "./activity-templates.schemas.js";
import { writeGroupItems } from "./sequence-refs.js";
import { auditTemplate } from "./template-audit.js";
import { toTemplateBase } from "./template-common.schemas.js";
import {
  createTemplate,
  findTemplate,
  getTemplate,
  listTemplates,
  templateTable,
  updateTemplate,
} from "./template-crud.js";
import type { TemplateCtx } from "./template-scope.js";

const text = (value: unknown): string => (typeof value === "string" ? value : value == null ? "" : String(value));
const records = (value: Prisma.JsonValue): Prisma.JsonObject[] =>
  Array.isArray(value)
    ? value.filter((v): v is Prisma.JsonObject => typeof v === "object" && v !== null && !Array.isArray(v))
    : [];

/** The API shape of a row (JSON columns read defensively: the Atomic importer writes them too). */
export function toActivityTemplate(row: ActivityTemplateRow): ActivityTemplate {
  return {
    ...toTemplateBase(row),
    source: row.source,
    atomicGuid: row.atomicGuid,
    techniques: row.techniques,
    tactic: row.tactic,
    platforms: row.platforms,
    inputArguments: records(row.inputArguments).map((a) => ({
      name: text(a.name),
      type: text(a.type),
      description: text(a.description),
      default: a.default == null ? null : text(a.default),
    })),
    executorName: row.executorName,
    command: row.command,
    cleanupCommand: row.cleanupCommand,
    elevationRequired: row.elevationRequired,
    dependencies: records(row.dependencies).map((d) => ({
      description: text(d.description),
      prereqCommand: text(d.prereqCommand),
      getPrereqCommand: text(d.getPrereqCommand),
    })),
    dependencyExecutorName: row.dependencyExecutorName,
    tags: row.tags,
  };
}

const activityTemplates = templateTable({
  kind: "activity",
  what: "Activity template",
  rows: (db) => db.activityTemplate,
  toApi: toActivityTemplate,
  live: { deletedAt: null },
});

/** One page of the activity templates visible in `scope`, by name. */
export function listActivityTemplates(ctx: TemplateCtx, input: ListActivityTemplatesInput) {
  const filters: Prisma.ActivityTemplateWhereInput[] = [];
  if (input.technique) filters.push({ techniques: { has: input.technique } });
  if (input.platform) filters.push({ platforms: { has: input.platform } });
  if (input.source) filters.push({ source: input.source });
  if (input.tactic) filters.push({ tactic: input.tactic });
  return listTemplates(ctx, activityTemplates, input, filters);
}

/** The live template `id` if the caller may see it (and, with `write`, manage it); NOT_FOUND otherwise. */
export function findActivityTemplate(
  ctx: TemplateCtx,
  id: string,
  options: { write?: boolean; field?: string } = {},
): Promise<ActivityTemplateRow> {
  return findTemplate(ctx, activityTemplates, id, options);
}

/** One activity template. */
export function getActivityTemplate(ctx: TemplateCtx, id: string): Promise<ActivityTemplate> {
  return getTemplate(ctx, activityTemplates, id);
}

/** Creates an activity template in the named organization, or globally (superusers). */
export function createActivityTemplate(
  ctx: TemplateCtx,
  input: CreateActivityTemplateInput,
): Promise<ActivityTemplate> {
  return createTemplate(ctx, activityTemplates, input);
}

/** Edits the fields sent. */
export function updateActivityTemplate(
  ctx: TemplateCtx,
  input: UpdateActivityTemplateInput,
): Promise<ActivityTemplate> {
  return updateTemplate(ctx, activityTemplates, input);
}

/** Soft-deletes a template and removes it from the group templates that list it. */
export async function deleteActivityTemplate(ctx: TemplateCtx, id: string): Promise<ActivityTemplate> {
  await findActivityTemplate(ctx, id, { write: true });
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const uses = await tx.activityGroupTemplateItem.findMany({
      where: { activityTemplateId: id },
      select: { groupTemplateId: true },
    });
    const groupIds = [...new Set(uses.map((u) => u.groupTemplateId))];
    await tx.activityGroupTemplateItem.deleteMany({ where: { activityTemplateId: id } });
    // Close the gaps the removed slots left, so positions stay 0..n-1.
    for (const groupTemplateId of groupIds) {
      const left = await tx.activityGroupTemplateItem.findMany({
        where: { groupTemplateId },
        orderBy: { position: "asc" },
        select: { activityTemplateId: true },
      });
      await writeGroupItems(
        tx,
        groupTemplateId,
        left.map((item) => item.activityTemplateId),
      );
    }
    const deleted = await tx.activityTemplate.update({ where: { id }, data: { deletedAt: ctx.clock.now() } });
    await auditTemplate(ctx, tx, "deleted", "activity", deleted, { removedFromGroupTemplates: groupIds });
    return deleted;
  });
  return toActivityTemplate(row);
}
