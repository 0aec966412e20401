/**
 * templates.import: a shared YAML document into the named organization or the global library,
 * in one transaction. Nothing is written unless the whole document is valid: every problem
 * is reported at once, as `yaml.<document path>` with its line and column.
 */
import { originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import { AppError } from "../../lib/app-error.js";
import { recordAudit } from "../audit/audit.js";
import { writeCampaignItems, writeGroupItems } from "./sequence-refs.js";
import { type TemplateCtx, writableScope } from "./template-scope.js";
import { type ProblemList, readTemplatesDocument } from "./templates-document.js";
import { checkDocument, type Plan, type Planned, planImport, type Ref } from "./templates-import-plan.js";
import type { ImportReport, ImportTemplatesInput, TemplateKindName } from "./templates-transfer.schemas.js";

// Large libraries (hundreds of Atomic tests) take longer than Prisma's 5 s default.
const TRANSACTION = { maxWait: 10_000, timeout: 120_000 } as const;

function invalid(problems: ProblemList): AppError {
  const count = problems.items.length;
  const first = problems.items[0];
  return new AppError(
    "VALIDATION",
    `The document has ${count} problem${count === 1 ? "" : "s"}; nothing was imported`,
    first?.field ?? "yaml",
    problems.items,
  );
}

/** Validates, plans and (unless a dry run) applies the document; the report lists every entry's fate. */
export async function importTemplates(ctx: TemplateCtx, input: ImportTemplatesInput): Promise<ImportReport> {
  const organizationId = await writableScope(ctx, input.scope);
  const read = readTemplatesDocument(input.yaml, ctx.config.http.maxInputDepth);
  if (!read.ok) throw invalid(read.problems);
  const { doc, problems } = read;
  checkDocument(doc, problems);
  return ctx.db.prisma.$transaction(async (tx) => {
    const plan = await planImport(tx, organizationId, doc, problems);
    if (problems.items.length > 0) throw invalid(problems);
    const ids = input.dryRun ? undefined : await applyPlan(tx, ctx, organizationId, plan);
    const report = reportOf(plan, input, organizationId, ids);
    if (!input.dryRun) {
      await recordAudit(tx, originOf(ctx), {
        type: "templates.imported",
        actorId: ctx.user.id,
        targetType: organizationId ? "organization" : null,
        targetId: organizationId,
        metadata: {
          organizationId,
          scope: input.scope,
          created: report.created,
          updated: report.updated,
          unchanged: report.unchanged,
          linked: report.linked,
        },
      });
    }
    return report;
  }, TRANSACTION);
}

type FinalIds = Record<TemplateKindName, (string | null)[]>;

function reportOf(
  plan: Plan,
  input: ImportTemplatesInput,
  organizationId: string | null,
  ids?: FinalIds,
): ImportReport {
  const report: ImportReport = {
    dryRun: input.dryRun,
    scope: input.scope,
    organizationId,
    created: 0,
    updated: 0,
    unchanged: 0,
    linked: 0,
    items: [],
  };
  for (const kind of Object.keys(plan) as TemplateKindName[]) {
    plan[kind].forEach((planned: Planned<{ id?: string | undefined; name: string }>, index) => {
      const action =
        planned.match.action === "create"
          ? "created"
          : planned.match.action === "update"
            ? "updated"
            : planned.match.action;
      report[action] += 1;
      const id = ids ? (ids[kind][index] ?? null) : planned.match.action === "create" ? null : planned.match.id;
      report.items.push({ kind, key: planned.entry.id ?? null, name: planned.entry.name, id, action });
    });
  }
  return report;
}

const memberIds = (members: Ref[], finals: (string | null)[]) =>
  members.map((ref) => ("existing" in ref ? ref.existing : (finals[ref.entry] as string)));

/** Writes the plan, members before what lists them; returns every entry's template id. */
async function applyPlan(tx: Tx, ctx: TemplateCtx, organizationId: string | null, plan: Plan): Promise<FinalIds> {
  const stamp = { updatedAt: ctx.clock.now() };
  const activityIds: string[] = [];
  for (const { entry, match, atomicGuid } of plan.activity) {
    const { id: _key, atomicGuid: _guid, ...content } = entry;
    const guid = atomicGuid ? { atomicGuid } : {};
    if (match.action === "create") {
      const row = await tx.activityTemplate.create({
        data: { organizationId, ...content, ...guid },
        select: { id: true },
      });
      activityIds.push(row.id);
      continue;
    }
    if (match.action === "update") {
      await tx.activityTemplate.update({
        where: { id: match.id },
        data: { ...content, ...guid, deletedAt: null, ...stamp },
      });
    }
    activityIds.push(match.id);
  }

  const groupIds: string[] = [];
  for (const { entry, match, members } of plan.activityGroup) {
    const data = { name: entry.name, description: entry.description };
    const id =
      match.action === "create"
        ? (await tx.activityGroupTemplate.create({ data: { organizationId, ...data, createdById: ctx.user.id } })).id
        : match.id;
    if (match.action === "create" || match.action === "update") {
      if (match.action === "update")
        await tx.activityGroupTemplate.update({ where: { id }, data: { ...data, ...stamp } });
      await writeGroupItems(tx, id, memberIds(members, activityIds));
    }
    groupIds.push(id);
  }

  const campaignIds: string[] = [];
  for (const { entry, match, members } of plan.campaign) {
    const data = { name: entry.name, description: entry.description };
    const id =
      match.action === "create"
        ? (await tx.campaignTemplate.create({ data: { organizationId, ...data, createdById: ctx.user.id } })).id
        : match.id;
    if (match.action === "create" || match.action === "update") {
      if (match.action === "update") await tx.campaignTemplate.update({ where: { id }, data: { ...data, ...stamp } });
      await writeCampaignItems(tx, id, memberIds(members, groupIds));
    }
    campaignIds.push(id);
  }

  const evaluationIds: string[] = [];
  for (const { entry, match } of plan.evaluation) {
    const { id: _key, ...data } = entry;
    if (match.action === "create") {
      const row = await tx.evaluationTemplate.create({ data: { organizationId, ...data, createdById: ctx.user.id } });
      evaluationIds.push(row.id);
      continue;
    }
    if (match.action === "update")
      await tx.evaluationTemplate.update({ where: { id: match.id }, data: { ...data, ...stamp } });
    evaluationIds.push(match.id);
  }

  const reportIds: string[] = [];
  for (const { entry, match } of plan.report) {
    const { id: _key, ...data } = entry;
    if (match.action === "create") {
      const row = await tx.reportTemplate.create({ data: { organizationId, ...data, createdById: ctx.user.id } });
      reportIds.push(row.id);
      continue;
    }
    if (match.action === "update")
      await tx.reportTemplate.update({ where: { id: match.id }, data: { ...data, ...stamp } });
    reportIds.push(match.id);
  }

  return {
    activity: activityIds,
    activityGroup: groupIds,
    campaign: campaignIds,
    evaluation: evaluationIds,
    report: reportIds,
  };
}
