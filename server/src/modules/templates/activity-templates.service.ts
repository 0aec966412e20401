/**
 * Activity templates: the global library (Atomic Red Team tests and superusers' own) and each
 * organization's. Deleting one is a soft delete (the Atomic importer keys rows by GUID) that
 * also takes it out of every group template listing it, in the same transaction.
 */
import type { ActivityTemplate as ActivityTemplateRow, Prisma } from "../../generated/prisma/client.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
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
  assertTemplateAccess,
  scopeFilter,
  type TemplateCtx,
  templateNotFound,
  textSearch,
  writableScope,
} from "./template-scope.js";

const WHAT = "Activity template";

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

/** One page of the activity templates visible in `scope`, by name. */
export async function listActivityTemplates(ctx: TemplateCtx, input: ListActivityTemplatesInput) {
  const and: Prisma.ActivityTemplateWhereInput[] = [
    await scopeFilter(ctx, input.scope),
    { deletedAt: null },
    ...textSearch(input.q),
  ];
  if (input.technique) and.push({ techniques: { has: input.technique } });
  if (input.platform) and.push({ platforms: { has: input.platform } });
  if (input.source) and.push({ source: input.source });
  if (input.tactic) and.push({ tactic: input.tactic });
  const where = { AND: and };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.activityTemplate.count({ where }),
    prisma.activityTemplate.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toActivityTemplate), total, input.page, input.pageSize);
}

/** The live template `id` if the caller may see it (and, with `write`, manage it); NOT_FOUND otherwise. */
export async function findActivityTemplate(
  ctx: TemplateCtx,
  id: string,
  options: { write?: boolean; field?: string } = {},
): Promise<ActivityTemplateRow> {
  const row = await ctx.db.prisma.activityTemplate.findFirst({ where: { id, deletedAt: null } });
  if (!row) throw templateNotFound(WHAT, options.field);
  await assertTemplateAccess(ctx, row.organizationId, WHAT, options);
  return row;
}

/** One activity template. */
export async function getActivityTemplate(ctx: TemplateCtx, id: string): Promise<ActivityTemplate> {
  return toActivityTemplate(await findActivityTemplate(ctx, id));
}

/** Creates an activity template in the named organization, or globally (superusers). */
export async function createActivityTemplate(
  ctx: TemplateCtx,
  input: CreateActivityTemplateInput,
): Promise<ActivityTemplate> {
  const organizationId = await writableScope(ctx, input.scope);
  const { scope: _scope, ...content } = input;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const created = await tx.activityTemplate.create({ data: { organizationId, ...content } });
    await auditTemplate(ctx, tx, "created", "activity", created);
    return created;
  });
  return toActivityTemplate(row);
}

/** Edits the fields sent. */
export async function updateActivityTemplate(
  ctx: TemplateCtx,
  input: UpdateActivityTemplateInput,
): Promise<ActivityTemplate> {
  await findActivityTemplate(ctx, input.id, { write: true });
  const { id, ...changes } = input;
  const data = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.activityTemplate.update({ where: { id }, data });
    await auditTemplate(ctx, tx, "updated", "activity", updated, { fields: Object.keys(data) });
    return updated;
  });
  return toActivityTemplate(row);
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
