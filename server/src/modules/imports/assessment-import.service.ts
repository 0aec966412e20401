/**
 * Importing an "assay.assessment" document into a NEW assessment of the caller's
 * organization, in ONE transaction: the document is checked whole first (document-problems.ts;
 * any problem and nothing is written), then tags are reused by name and assets by name and
 * kind (an asset with the same identifier first), missing ones created; people named by
 * email are matched to members, and the ones who are not become warnings (a comment is then
 * attributed to the importer, an executor kept as free text, an evaluator left empty).
 * Technique ids, tactics and knowledge-base article ids are checked against the database first
 * (document-references.ts). The importer becomes owner and lead; each activity's history starts
 * with an "imported" entry.
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordHistories } from "../activity-history/activity-history.js";
import { auditAssessment, toAssessment, withTagsAndRole } from "../assessments/assessments.service.js";
import { POSITION_STEP } from "../assessments/ordering.js";
import type { AssessmentDocument, DocumentActivity } from "../exports/assessment-document.js";
import { parseDocument } from "./document-problems.js";
import { checkDocumentReferences } from "./document-references.js";
import type { ImportAssessmentInput, ImportResult } from "./imports.schemas.js";

const TRANSACTION = { maxWait: 10_000, timeout: 120_000 } as const;
const MAX_WARNINGS = 100;

type Warning = ImportResult["warnings"][number];
const assetKey = (a: { name: string; kind: string }) => `${a.kind}\u0000${a.name}`;
const dateOf = (value: string | null) => (value === null ? null : new Date(value));

/** Every email the document names, lower-cased. */
function emailsOf(document: AssessmentDocument): Set<string> {
  const emails = new Set<string>();
  const add = (email: string | null) => email && emails.add(email.toLowerCase());
  for (const a of document.activities) {
    add(a.red.executedByUser);
    add(a.evaluation.evaluatedBy);
    for (const o of a.evaluation.overrides) add(o.by);
    for (const c of a.comments) add(c.author);
  }
  return emails;
}

/** Member user ids by lower-cased email. */
async function membersByEmail(ctx: OrgCtx, emails: Set<string>): Promise<Map<string, string>> {
  if (emails.size === 0) return new Map();
  const rows = await ctx.db.prisma.membership.findMany({
    where: { organizationId: ctx.org.id, user: { email: { in: [...emails], mode: "insensitive" } } },
    select: { userId: true, user: { select: { email: true } } },
  });
  return new Map(rows.map((r) => [r.user.email.toLowerCase(), r.userId]));
}

/** Ids of the document's tags by name: the organization's own, or created. */
async function ensureTags(tx: Tx, ctx: OrgCtx, tags: AssessmentDocument["tags"]) {
  const names = tags.map((t) => t.name);
  const existing = await tx.tag.findMany({ where: { organizationId: ctx.org.id, name: { in: names } } });
  const known = new Set(existing.map((t) => t.name));
  const missing = tags.filter((t) => !known.has(t.name));
  // skipDuplicates: a tag created meanwhile by someone else is simply reused.
  const { count: created } = await tx.tag.createMany({
    data: missing.map((t) => ({
      organizationId: ctx.org.id,
      name: t.name,
      color: t.color,
      description: t.description,
    })),
    skipDuplicates: true,
  });
  const rows = await tx.tag.findMany({
    where: { organizationId: ctx.org.id, name: { in: names } },
    select: { id: true, name: true },
  });
  return { ids: new Map(rows.map((t) => [t.name, t.id])), created, reused: tags.length - created };
}

/** Ids of the document's assets by name and kind: the organization's (oldest first, same identifier preferred), or created. */
async function ensureAssets(tx: Tx, ctx: OrgCtx, assets: AssessmentDocument["assets"]) {
  const existing = await tx.asset.findMany({
    where: { organizationId: ctx.org.id, name: { in: assets.map((a) => a.name) } },
    orderBy: [{ createdAt: "asc" }, { id: "asc" }],
    select: { id: true, name: true, kind: true, identifier: true },
  });
  const ids = new Map<string, string>();
  const fresh: Prisma.AssetCreateManyInput[] = [];
  for (const asset of assets) {
    const same = existing.filter((e) => e.name === asset.name && e.kind === asset.kind);
    const match = same.find((e) => e.identifier === asset.identifier) ?? same[0];
    const id = match?.id ?? ctx.ids.uuid();
    if (!match) fresh.push({ id, organizationId: ctx.org.id, ...asset });
    ids.set(assetKey(asset), id);
  }
  await tx.asset.createMany({ data: fresh });
  return { ids, created: fresh.length, reused: assets.length - fresh.length };
}

/** Resolves people by email, collecting a warning for each one who is not a member. */
function personResolver(members: Map<string, string>, warnings: Warning[]) {
  return (email: string | null, field: string, instead: string): string | null => {
    if (!email) return null;
    const id = members.get(email.toLowerCase());
    if (!id) warnings.push({ field, message: `${email} is not a member of this organization; ${instead}` });
    return id ?? null;
  };
}

type Resolve = ReturnType<typeof personResolver>;

function activityRow(
  a: DocumentActivity,
  i: number,
  ids: { id: string; assessmentId: string; groupId: string | null },
  ctx: OrgCtx,
  resolve: Resolve,
  tactic: string | null,
): Prisma.ActivityCreateManyInput {
  const path = `activities[${i}]`;
  const executor = resolve(a.red.executedByUser, `${path}.red.executedByUser`, "kept as free text in executedBy");
  const e = a.red.expectations;
  return {
    ...ids,
    organizationId: ctx.org.id,
    position: (i + 1) * POSITION_STEP,
    title: a.title,
    description: a.description,
    tactic,
    techniques: [...new Set(a.techniques)],
    knowledgeBaseArticleIds: [...new Set(a.knowledgeBaseArticleIds)],
    status: a.status,
    command: a.red.command,
    executedAt: dateOf(a.red.executedAt),
    executedBy: executor ?? a.red.executedByUser ?? a.red.executedBy,
    executedByUserId: executor,
    source: a.red.source,
    target: a.red.target,
    expectLogged: e.logged,
    expectPrevented: e.prevented,
    expectAlerted: e.alerted,
    expectNotified: e.notified,
    expectedSeverity: e.expectedSeverity,
    outcome: a.blue.outcome,
    detectedAt: dateOf(a.blue.detectedAt),
    detectionSource: a.blue.detectionSource,
    alertSeverity: a.blue.alertSeverity,
    notifiedAt: dateOf(a.blue.notifiedAt),
    blueNotes: a.blue.notes,
    outcomeByHand: a.blue.outcomeSetByHand ?? (a.blue.outcome !== null && a.blue.controlOutcomes.length === 0),
    preventionResult: a.evaluation.results.prevention,
    detectionResult: a.evaluation.results.detection,
    loggingResult: a.evaluation.results.logging,
    notificationResult: a.evaluation.results.notification,
    severityResult: a.evaluation.results.severity,
    evaluationOverrides: a.evaluation.overrides.map((o, k) => ({
      category: o.category,
      computed: o.computed,
      result: o.result,
      reason: o.reason,
      byId: resolve(o.by, `${path}.evaluation.overrides[${k}].by`, "recorded without an author"),
      at: new Date(o.at).toISOString(),
    })),
    evaluatedAt: dateOf(a.evaluation.evaluatedAt),
    evaluatedById: resolve(a.evaluation.evaluatedBy, `${path}.evaluation.evaluatedBy`, "recorded without an evaluator"),
    createdById: ctx.user.id,
  };
}

/** Ids of the controls the outcomes name, by lower-cased name: the organization's (ignoring case), or created. */
async function ensureControls(tx: Tx, ctx: OrgCtx, document: AssessmentDocument): Promise<Map<string, string>> {
  const declared = new Map(document.controls.map((c) => [c.name.toLowerCase(), c]));
  const named = new Set(document.activities.flatMap((a) => a.blue.controlOutcomes.map((o) => o.control.toLowerCase())));
  const ids = new Map<string, string>();
  if (named.size === 0) return ids;
  const existing = await tx.defensiveControl.findMany({ where: { organizationId: ctx.org.id } });
  for (const row of existing) if (!ids.has(row.name.toLowerCase())) ids.set(row.name.toLowerCase(), row.id);
  for (const key of named) {
    if (ids.has(key)) continue;
    const control = declared.get(key);
    if (!control) throw new AppError("VALIDATION", `control "${key}" is not declared in controls`, "controls");
    const created = await tx.defensiveControl.create({ data: { organizationId: ctx.org.id, ...control } });
    ids.set(key, created.id);
  }
  return ids;
}

async function writeDocument(
  tx: Tx,
  ctx: OrgCtx,
  document: AssessmentDocument,
  name: string,
  resolve: Resolve,
  warnings: Warning[],
) {
  const references = await checkDocumentReferences(tx, ctx, document);
  warnings.push(...references.warnings);
  const tags = await ensureTags(tx, ctx, document.tags);
  const assets = await ensureAssets(tx, ctx, document.assets);
  const assessmentId = ctx.ids.uuid();
  const a = document.assessment;
  await tx.assessment.create({
    data: {
      id: assessmentId,
      organizationId: ctx.org.id,
      name,
      description: a.description,
      status: a.status,
      startDate: dateOf(a.startDate),
      endDate: dateOf(a.endDate),
      alertMatching: a.alertMatching,
      ownerId: ctx.user.id,
      acl: { create: { userId: ctx.user.id, role: "lead", grantedById: ctx.user.id } },
      tags: { create: [...new Set(a.tags)].map((tag) => ({ tagId: tags.ids.get(tag) as string })) },
    },
  });
  const groupIds = new Map(document.groups.map((g) => [g.ref, ctx.ids.uuid()]));
  await tx.activityGroup.createMany({
    data: document.groups.map((g, i) => ({
      id: groupIds.get(g.ref) as string,
      organizationId: ctx.org.id,
      assessmentId,
      name: g.name,
      description: g.description,
      position: (i + 1) * POSITION_STEP,
    })),
  });
  const activityIds = document.activities.map(() => ctx.ids.uuid());
  const idOf = (i: number) => activityIds[i] as string;
  await tx.activity.createMany({
    data: document.activities.map((activity, i) =>
      activityRow(
        activity,
        i,
        { id: idOf(i), assessmentId, groupId: activity.group ? (groupIds.get(activity.group) ?? null) : null },
        ctx,
        resolve,
        references.tactics[i] ?? null,
      ),
    ),
  });
  await tx.activityTag.createMany({
    data: document.activities.flatMap((activity, i) =>
      [...new Set(activity.tags)].map((tag) => ({ activityId: idOf(i), tagId: tags.ids.get(tag) as string })),
    ),
  });
  await tx.activityAsset.createMany({
    data: document.activities.flatMap((activity, i) =>
      [...new Set(activity.assets.map((s) => assets.ids.get(assetKey(s)) as string))].map((assetId) => ({
        activityId: idOf(i),
        assetId,
      })),
    ),
  });
  const controls = await ensureControls(tx, ctx, document);
  await tx.activityControlOutcome.createMany({
    data: document.activities.flatMap((activity, i) =>
      activity.blue.controlOutcomes.map((o) => ({
        organizationId: ctx.org.id,
        activityId: idOf(i),
        controlId: controls.get(o.control.toLowerCase()) as string,
        outcome: o.outcome,
        detectedAt: dateOf(o.detectedAt),
        alertSeverity: o.alertSeverity,
        ruleName: o.ruleName,
        notes: o.notes,
      })),
    ),
  });
  const comments = document.activities.flatMap((activity, i) =>
    activity.comments.map((c, k) => ({
      organizationId: ctx.org.id,
      activityId: idOf(i),
      authorId:
        resolve(c.author, `activities[${i}].comments[${k}].author`, "the comment is attributed to you") ?? ctx.user.id,
      body: c.body,
      createdAt: new Date(c.createdAt),
    })),
  );
  await tx.activityComment.createMany({ data: comments });
  await recordHistories(
    tx,
    ctx,
    document.activities.map((activity, i) => ({
      activityId: idOf(i),
      field: "created",
      oldValue: null,
      newValue: { title: activity.title, imported: true },
    })),
  );
  await auditAssessment(ctx, tx, "assessment.imported", assessmentId, {
    activities: document.activities.length,
    exportedAt: document.exportedAt ?? null,
  });
  const row = await tx.assessment.findUniqueOrThrow({
    where: { id: assessmentId },
    include: withTagsAndRole(ctx.user.id),
  });
  return {
    row,
    created: {
      groups: document.groups.length,
      activities: document.activities.length,
      comments: comments.length,
      tags: tags.created,
      assets: assets.created,
    },
    reused: { tags: tags.reused, assets: assets.reused },
  };
}

/** Imports a document as a new assessment led by the caller (create:assessment). */
export async function importAssessmentJson(ctx: OrgCtx, input: ImportAssessmentInput): Promise<ImportResult> {
  requireOrgPermission(ctx.org, "create:assessment");
  const document = parseDocument(input.document);
  const members = await membersByEmail(ctx, emailsOf(document));
  const name = input.name ?? document.assessment.name;
  const warnings: Warning[] = [];
  const resolve = personResolver(members, warnings);
  const written = await ctx.db.prisma.$transaction(
    (tx) => writeDocument(tx, ctx, document, name, resolve, warnings),
    TRANSACTION,
  );
  const shown = warnings.slice(0, MAX_WARNINGS);
  if (warnings.length > MAX_WARNINGS) {
    shown.push({ field: "document", message: `${warnings.length - MAX_WARNINGS} more warnings like these` });
  }
  return {
    assessment: toAssessment(ctx, written.row, "lead"),
    created: written.created,
    reused: written.reused,
    warnings: shown,
  };
}
