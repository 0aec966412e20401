/** Report templates: a body (markdown with {{placeholders}}) and the format it renders to. */
import type { Prisma, ReportTemplate as ReportTemplateRow } from "../../generated/prisma/client.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import type {
  CreateReportTemplateInput,
  ListReportTemplatesInput,
  ReportTemplate,
  UpdateReportTemplateInput,
} from "./document-templates.schemas.js";
import { auditTemplate } from "./template-audit.js";
import { toTemplateBase } from "./template-common.schemas.js";
import { assertNameFree } from "./template-names.js";
import {
  assertTemplateAccess,
  scopeFilter,
  type TemplateCtx,
  templateNotFound,
  textSearch,
  writableScope,
} from "./template-scope.js";

const WHAT = "Report template";

/** The API shape of a row. */
export function toReportTemplate(row: ReportTemplateRow): ReportTemplate {
  return { ...toTemplateBase(row), format: row.format, body: row.body };
}

/** One page of the evaluation templates visible in `scope`, by name. */
export async function listReportTemplates(ctx: TemplateCtx, input: ListReportTemplatesInput) {
  const where: Prisma.ReportTemplateWhereInput = {
    AND: [
      await scopeFilter(ctx, input.scope),
      ...textSearch(input.q),
      ...(input.format ? [{ format: input.format }] : []),
    ],
  };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.reportTemplate.count({ where }),
    prisma.reportTemplate.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toReportTemplate), total, input.page, input.pageSize);
}

async function findReportTemplate(ctx: TemplateCtx, id: string, options: { write?: boolean } = {}) {
  const row = await ctx.db.prisma.reportTemplate.findUnique({ where: { id } });
  if (!row) throw templateNotFound(WHAT);
  await assertTemplateAccess(ctx, row.organizationId, WHAT, options);
  return row;
}

/** One evaluation template. */
export async function getReportTemplate(ctx: TemplateCtx, id: string): Promise<ReportTemplate> {
  return toReportTemplate(await findReportTemplate(ctx, id));
}

/** Creates a report template in the named organization, or globally (superusers). */
export async function createReportTemplate(
  ctx: TemplateCtx,
  input: CreateReportTemplateInput,
): Promise<ReportTemplate> {
  const organizationId = await writableScope(ctx, input.scope);
  const { scope: _scope, ...content } = input;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertNameFree(tx, "report", organizationId, input.name);
    const created = await tx.reportTemplate.create({
      data: { organizationId, ...content, createdById: ctx.user.id },
    });
    await auditTemplate(ctx, tx, "created", "report", created);
    return created;
  });
  return toReportTemplate(row);
}

/** Edits the fields sent. */
export async function updateReportTemplate(
  ctx: TemplateCtx,
  input: UpdateReportTemplateInput,
): Promise<ReportTemplate> {
  const current = await findReportTemplate(ctx, input.id, { write: true });
  const { id, ...changes } = input;
  const data = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (input.name !== undefined) await assertNameFree(tx, "report", current.organizationId, input.name, id);
    const updated = await tx.reportTemplate.update({ where: { id }, data });
    await auditTemplate(ctx, tx, "updated", "report", updated, { fields: Object.keys(data) });
    return updated;
  });
  return toReportTemplate(row);
}

/** Deletes a report template. */
export async function deleteReportTemplate(ctx: TemplateCtx, id: string): Promise<ReportTemplate> {
  const current = await findReportTemplate(ctx, id, { write: true });
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.reportTemplate.delete({ where: { id } });
    await auditTemplate(ctx, tx, "deleted", "report", current);
  });
  return toReportTemplate(current);
}
