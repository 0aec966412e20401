/** Evaluation templates: the outcome categories and custom questions an evaluation uses. */
import type { EvaluationTemplate as EvaluationTemplateRow, Prisma } from "../../generated/prisma/client.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import type {
  CreateEvaluationTemplateInput,
  EvaluationTemplate,
  ListEvaluationTemplatesInput,
  UpdateEvaluationTemplateInput,
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

const WHAT = "Evaluation template";

/** The API shape of a row; the JSON columns hold what the input schema validated. */
export function toEvaluationTemplate(row: EvaluationTemplateRow): EvaluationTemplate {
  return {
    ...toTemplateBase(row),
    categories: row.categories as EvaluationTemplate["categories"],
    questions: row.questions as EvaluationTemplate["questions"],
  };
}

/** One page of the evaluation templates visible in `scope`, by name. */
export async function listEvaluationTemplates(ctx: TemplateCtx, input: ListEvaluationTemplatesInput) {
  const where: Prisma.EvaluationTemplateWhereInput = {
    AND: [await scopeFilter(ctx, input.scope), ...textSearch(input.q)],
  };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.evaluationTemplate.count({ where }),
    prisma.evaluationTemplate.findMany({ where, orderBy: [{ name: "asc" }, { id: "asc" }], ...pageWindow(input) }),
  ]);
  return toPage(rows.map(toEvaluationTemplate), total, input.page, input.pageSize);
}

async function findEvaluationTemplate(ctx: TemplateCtx, id: string, options: { write?: boolean } = {}) {
  const row = await ctx.db.prisma.evaluationTemplate.findUnique({ where: { id } });
  if (!row) throw templateNotFound(WHAT);
  await assertTemplateAccess(ctx, row.organizationId, WHAT, options);
  return row;
}

/** One evaluation template. */
export async function getEvaluationTemplate(ctx: TemplateCtx, id: string): Promise<EvaluationTemplate> {
  return toEvaluationTemplate(await findEvaluationTemplate(ctx, id));
}

/** Creates an evaluation template in the named organization, or globally (superusers). */
export async function createEvaluationTemplate(
  ctx: TemplateCtx,
  input: CreateEvaluationTemplateInput,
): Promise<EvaluationTemplate> {
  const organizationId = await writableScope(ctx, input.scope);
  const { scope: _scope, ...content } = input;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertNameFree(tx, "evaluation", organizationId, input.name);
    const created = await tx.evaluationTemplate.create({
      data: { organizationId, ...content, createdById: ctx.user.id },
    });
    await auditTemplate(ctx, tx, "created", "evaluation", created);
    return created;
  });
  return toEvaluationTemplate(row);
}

/** Edits the fields sent (categories and questions are replaced as a whole). */
export async function updateEvaluationTemplate(
  ctx: TemplateCtx,
  input: UpdateEvaluationTemplateInput,
): Promise<EvaluationTemplate> {
  const current = await findEvaluationTemplate(ctx, input.id, { write: true });
  const { id, ...changes } = input;
  const data = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined));
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    if (input.name !== undefined) await assertNameFree(tx, "evaluation", current.organizationId, input.name, id);
    const updated = await tx.evaluationTemplate.update({ where: { id }, data });
    await auditTemplate(ctx, tx, "updated", "evaluation", updated, { fields: Object.keys(data) });
    return updated;
  });
  return toEvaluationTemplate(row);
}

/** Deletes an evaluation template. */
export async function deleteEvaluationTemplate(ctx: TemplateCtx, id: string): Promise<EvaluationTemplate> {
  const current = await findEvaluationTemplate(ctx, id, { write: true });
  await ctx.db.prisma.$transaction(async (tx) => {
    await tx.evaluationTemplate.delete({ where: { id } });
    await auditTemplate(ctx, tx, "deleted", "evaluation", current);
  });
  return toEvaluationTemplate(current);
}
