/**
 * templates.export: the visible templates of the chosen kinds (or ids) as one YAML document,
 * with the members of exported groups and campaigns included so the document stands alone.
 */
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError, type ErrorItem } from "../../lib/app-error.js";
import { requireOrgPermission } from "../acl/access.js";
import { toActivityTemplate } from "./activity-templates.service.js";
import { toEvaluationTemplate } from "./evaluation-templates.service.js";
import { toReportTemplate } from "./report-templates.service.js";
import { namedOrg, scopeFilter, type TemplateCtx } from "./template-scope.js";
import { DOCUMENT_FORMAT, DOCUMENT_VERSION, writeTemplatesDocument } from "./templates-document.js";
import type { ExportTemplatesInput, TemplateKindName } from "./templates-transfer.schemas.js";

const ALL_KINDS: TemplateKindName[] = ["activity", "activityGroup", "campaign", "evaluation", "report"];
const byName = [{ name: "asc" }, { id: "asc" }] as const satisfies Prisma.ActivityTemplateOrderByWithRelationInput[];

/** The YAML document of the templates `input` selects. */
export async function exportTemplates(ctx: TemplateCtx, input: ExportTemplatesInput): Promise<string> {
  const org = await namedOrg(ctx);
  if (org) requireOrgPermission(org, "read:organization");
  const visible = await scopeFilter(ctx, input.scope ?? (org ? "org" : "global"));
  const kinds = new Set(input.kinds ?? ALL_KINDS);
  const ids = input.ids ? { id: { in: input.ids } } : {};
  const want = (kind: TemplateKindName) => kinds.has(kind);
  const { prisma } = ctx.db;

  const [campaigns, groups, activities, evaluations, reports] = await Promise.all([
    want("campaign")
      ? prisma.campaignTemplate.findMany({
          where: { AND: [visible, ids] },
          include: { items: { orderBy: { position: "asc" }, select: { groupTemplateId: true } } },
          orderBy: byName,
        })
      : [],
    want("activityGroup")
      ? prisma.activityGroupTemplate.findMany({ where: { AND: [visible, ids] }, select: { id: true } })
      : [],
    want("activity")
      ? prisma.activityTemplate.findMany({ where: { AND: [visible, ids, { deletedAt: null }] }, select: { id: true } })
      : [],
    want("evaluation") ? prisma.evaluationTemplate.findMany({ where: { AND: [visible, ids] }, orderBy: byName }) : [],
    want("report") ? prisma.reportTemplate.findMany({ where: { AND: [visible, ids] }, orderBy: byName }) : [],
  ]);
  if (input.ids) {
    const found = new Set([campaigns, groups, activities, evaluations, reports].flat().map((row) => row.id));
    assertAllExported(input.ids, found);
  }

  // Members come along whatever their kind or scope: a campaign's groups, every group's activities.
  const groupIds = [
    ...new Set([...groups.map((g) => g.id), ...campaigns.flatMap((c) => c.items.map((i) => i.groupTemplateId))]),
  ];
  const groupRows = await prisma.activityGroupTemplate.findMany({
    where: { id: { in: groupIds } },
    include: { items: { orderBy: { position: "asc" }, select: { activityTemplateId: true } } },
    orderBy: byName,
  });
  const activityIds = [
    ...new Set([...activities.map((a) => a.id), ...groupRows.flatMap((g) => g.items.map((i) => i.activityTemplateId))]),
  ];
  const activityRows = await prisma.activityTemplate.findMany({ where: { id: { in: activityIds } }, orderBy: byName });

  return writeTemplatesDocument({
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    exportedAt: ctx.clock.now().toISOString(),
    activityTemplates: activityRows.map((row) => {
      const { id, organizationId: _o, scope: _s, createdAt: _c, updatedAt: _u, ...content } = toActivityTemplate(row);
      return { id, ...content };
    }),
    activityGroupTemplates: groupRows.map((g) => ({
      id: g.id,
      name: g.name,
      description: g.description,
      activities: g.items.map((i) => i.activityTemplateId),
    })),
    campaignTemplates: campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description,
      groups: c.items.map((i) => i.groupTemplateId),
    })),
    evaluationTemplates: evaluations.map((row) => {
      const { id, name, description, categories, questions } = toEvaluationTemplate(row);
      return { id, name, description, categories, questions };
    }),
    reportTemplates: reports.map((row) => {
      const { id, name, description, format, body } = toReportTemplate(row);
      return { id, name, description, format, body };
    }),
  });
}

function assertAllExported(ids: string[], found: Set<string>): void {
  const details: ErrorItem[] = ids.flatMap((id, index) =>
    found.has(id) ? [] : [{ code: "NOT_FOUND" as const, message: "Template not found", field: `ids.${index}` }],
  );
  const first = details[0];
  if (first) throw new AppError("NOT_FOUND", first.message, first.field, details);
}
