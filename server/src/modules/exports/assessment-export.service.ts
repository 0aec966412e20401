/**
 * Writing an assessment as an "assay.assessment" document (assessment-document.ts): its
 * phases and live activities in order, with red, blue, evaluation, tags, target assets and
 * comments. Evidence files, history and the ACL stay behind. People appear by email, and
 * only while they are members of the organization (nobody else's address leaves it).
 */

import type { AssetKind } from "../../generated/prisma/client.js";
import { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import {
  ACTIVITY_WORK_COLUMNS,
  type ActivityWorkRow,
  blueOf,
  evaluationResultsOf,
  expectationsOf,
  isoOf,
  parsed,
} from "../activities/activity-work-columns.js";
import { requireAssessment } from "../assessments/assessments.service.js";
import { type AssessmentDocument, DOCUMENT_FORMAT, DOCUMENT_VERSION } from "./assessment-document.js";

interface TagJson {
  name: string;
  color: string;
  description: string;
}
interface AssetJson {
  name: string;
  kind: AssetKind;
  identifier: string;
  description: string;
}
interface CommentJson {
  authorId: string;
  body: string;
  createdAt: string;
}
interface OverrideJson {
  category: AssessmentDocument["activities"][number]["evaluation"]["overrides"][number]["category"];
  computed: "pass" | "fail" | "na";
  result: "pass" | "fail" | "na";
  reason: string;
  byId: string | null;
  at: string;
}

/** An activity as the export reads it: its content and work, its phase, tags, assets and comments. */
type ActivityExportRow = ActivityWorkRow & {
  groupId: string | null;
  tags: unknown;
  assets: unknown;
  comments: unknown;
};

const assetKey = (a: { name: string; kind: string }) => `${a.kind}\u0000${a.name}`;
// Sorted in JavaScript (code units), not by the database collation: the same order everywhere.
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const byName = (a: { name: string }, b: { name: string }) => compare(a.name, b.name);
const byKindName = (a: { name: string; kind: string }, b: { name: string; kind: string }) =>
  compare(a.kind, b.kind) || compare(a.name, b.name);

// Assets are listed oldest first within a name and kind: the import reuses the oldest one
// too, so a second export of an imported document names the same asset.
const ACTIVITIES_SQL = (organizationId: string, assessmentId: string) => Prisma.sql`
  SELECT a."groupId", ${ACTIVITY_WORK_COLUMNS},
    COALESCE((
      SELECT json_agg(json_build_object('name', t.name, 'color', t.color, 'description', t.description) ORDER BY t.name)
      FROM activity_tags x JOIN tags t ON t.id = x."tagId" WHERE x."activityId" = a.id
    ), '[]'::json) AS tags,
    COALESCE((
      SELECT json_agg(json_build_object('name', s.name, 'kind', s.kind, 'identifier', s.identifier,
        'description', s.description) ORDER BY s.kind, s.name, s."createdAt", s.id)
      FROM activity_assets y JOIN assets s ON s.id = y."assetId" WHERE y."activityId" = a.id
    ), '[]'::json) AS assets,
    COALESCE((
      SELECT json_agg(json_build_object('authorId', c."authorId", 'body', c.body, 'createdAt', c."createdAt")
        ORDER BY c."createdAt", c.body, c.id)
      FROM activity_comments c WHERE c."activityId" = a.id
    ), '[]'::json) AS comments
  FROM activities a
  WHERE a."assessmentId" = ${assessmentId}::uuid AND a."organizationId" = ${organizationId}::uuid AND a."deletedAt" IS NULL
  ORDER BY a.position, a.id`;

/** Blue's record as the document carries it: controls by name, not id. */
function documentBlue(row: ActivityExportRow): AssessmentDocument["activities"][number]["blue"] {
  const { controlOutcomes, ...blue } = blueOf(row);
  return {
    ...blue,
    controlOutcomes: controlOutcomes.map(({ controlName, outcome, detectedAt, alertSeverity, ruleName, notes }) => ({
      control: controlName,
      outcome,
      detectedAt,
      alertSeverity,
      ruleName,
      notes,
    })),
  };
}

/** Emails of the organization's members among `ids`. */
async function memberEmails(ctx: OrgCtx, ids: Set<string>): Promise<Map<string, string>> {
  if (ids.size === 0) return new Map();
  const rows = await ctx.db.prisma.membership.findMany({
    where: { organizationId: ctx.org.id, userId: { in: [...ids] } },
    select: { userId: true, user: { select: { email: true } } },
  });
  return new Map(rows.map((r) => [r.userId, r.user.email]));
}

function peopleOf(rows: ActivityExportRow[]): Set<string> {
  const ids = new Set<string>();
  for (const row of rows) {
    if (row.executedByUserId) ids.add(row.executedByUserId);
    if (row.evaluatedById) ids.add(row.evaluatedById);
    for (const o of parsed<OverrideJson[]>(row.evaluationOverrides)) if (o.byId) ids.add(o.byId);
    for (const c of parsed<CommentJson[]>(row.comments)) ids.add(c.authorId);
  }
  return ids;
}

/** The document of an assessment of the caller's organization (no permission check: callers do it). */
export async function buildAssessmentDocument(ctx: OrgCtx, assessmentId: string): Promise<AssessmentDocument> {
  const { prisma } = ctx.db;
  const [assessment, groups, rows] = await Promise.all([
    prisma.assessment.findFirstOrThrow({
      where: { id: assessmentId, organizationId: ctx.org.id },
      include: { tags: { select: { tag: { select: { name: true, color: true, description: true } } } } },
    }),
    prisma.activityGroup.findMany({
      where: { assessmentId, organizationId: ctx.org.id },
      orderBy: [{ position: "asc" }, { id: "asc" }],
    }),
    ctx.db.query<ActivityExportRow>(...queryArgs(ACTIVITIES_SQL(ctx.org.id, assessmentId))),
  ]);
  const emails = await memberEmails(ctx, peopleOf(rows));
  const emailOf = (id: string | null) => (id ? (emails.get(id) ?? null) : null);
  const groupRefs = new Map(groups.map((g, i) => [g.id, `g${i + 1}`]));
  const tags = new Map<string, TagJson>(assessment.tags.map(({ tag }) => [tag.name, tag]));
  const assets = new Map<string, AssetJson>();

  const activities = rows.map((row, i): AssessmentDocument["activities"][number] => {
    const rowTags = parsed<TagJson[]>(row.tags);
    const rowAssets = parsed<AssetJson[]>(row.assets);
    for (const tag of rowTags) tags.set(tag.name, tag);
    for (const asset of rowAssets) if (!assets.has(assetKey(asset))) assets.set(assetKey(asset), asset);
    const executor = emailOf(row.executedByUserId);
    return {
      ref: `a${i + 1}`,
      group: row.groupId ? (groupRefs.get(row.groupId) ?? null) : null,
      title: row.title,
      description: row.description,
      tactic: row.tactic,
      techniques: row.techniques ?? [],
      knowledgeBaseArticleIds: row.knowledgeBaseArticleIds ?? [],
      status: row.status,
      tags: rowTags.map((t) => t.name).sort(),
      assets: [...new Map(rowAssets.map((a) => [assetKey(a), { name: a.name, kind: a.kind }])).values()].sort(
        byKindName,
      ),
      red: {
        command: row.command,
        executedAt: isoOf(row.executedAt),
        // A member's id becomes their email; a former member's is left out like other people.
        executedBy: row.executedByUserId ? null : row.executedBy,
        executedByUser: executor,
        source: row.source,
        target: row.target,
        expectations: expectationsOf(row),
      },
      blue: documentBlue(row),
      evaluation: {
        results: evaluationResultsOf(row),
        overrides: parsed<OverrideJson[]>(row.evaluationOverrides).map((o) => ({
          category: o.category,
          computed: o.computed,
          result: o.result,
          reason: o.reason,
          by: emailOf(o.byId),
          at: new Date(o.at).toISOString(),
        })),
        evaluatedAt: isoOf(row.evaluatedAt),
        evaluatedBy: emailOf(row.evaluatedById),
      },
      comments: parsed<CommentJson[]>(row.comments).map((c) => ({
        author: emailOf(c.authorId),
        body: c.body,
        createdAt: new Date(c.createdAt).toISOString(),
      })),
    };
  });

  const controlIds = new Set(rows.flatMap((row) => blueOf(row).controlOutcomes.map((o) => o.controlId)));
  const controls = await prisma.defensiveControl.findMany({
    where: { organizationId: ctx.org.id, id: { in: [...controlIds] } },
    select: { name: true, kind: true, vendor: true, product: true },
    orderBy: { name: "asc" },
  });
  return {
    format: DOCUMENT_FORMAT,
    version: DOCUMENT_VERSION,
    exportedAt: ctx.clock.now().toISOString(),
    assessment: {
      name: assessment.name,
      description: assessment.description,
      status: assessment.status,
      startDate: isoOf(assessment.startDate),
      endDate: isoOf(assessment.endDate),
      tags: assessment.tags.map((t) => t.tag.name).sort(),
      alertMatching: assessment.alertMatching as AssessmentDocument["assessment"]["alertMatching"],
    },
    controls,
    tags: [...tags.values()].sort(byName).map(({ name, color, description }) => ({ name, color, description })),
    assets: [...assets.values()]
      .sort(byKindName)
      .map(({ name, kind, identifier, description }) => ({ name, kind, identifier, description })),
    groups: groups.map((g) => ({ ref: groupRefs.get(g.id) as string, name: g.name, description: g.description })),
    activities,
  };
}

function queryArgs(query: Prisma.Sql): [string, unknown[]] {
  return [query.text, query.values];
}

/** The whole assessment as a versioned JSON document (anyone on the assessment). */
export async function exportAssessmentJson(ctx: OrgCtx, input: { assessmentId: string }): Promise<AssessmentDocument> {
  await requireAssessment(ctx, input.assessmentId, "export:assessment", "assessmentId");
  return buildAssessmentDocument(ctx, input.assessmentId);
}
