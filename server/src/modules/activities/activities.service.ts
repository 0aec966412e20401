/**
 * Activities of an assessment: planning them (lead), reading them (anyone on the
 * assessment), ordering and deleting them. Red/blue work and evaluation live in
 * activity-workflow.service.ts; every change is written to the history in its transaction.
 */

import type { Tx } from "../../db/database.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { notFound } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { leadsEveryAssessment, requireRolePermission } from "../acl/access.js";
import { effectiveAssessmentRole } from "../acl/permissions.js";
import {
  changesOf,
  type FieldChange,
  listHistory,
  recordHistory,
  setChange,
} from "../activity-history/activity-history.js";
import { lockAssessment } from "../assessments/assessment-lock.js";
import { place } from "../assessments/ordering.js";
import { assertAssetsInOrg } from "../assets/assets.service.js";
import { assertArticlesInOrg } from "../knowledge-base/knowledge-base.service.js";
import { resolveMapping } from "../mitre/technique-mapping.js";
import { assertTagsInOrg } from "../tags/tags.service.js";
import type {
  Activity,
  CreateActivityInput,
  HistoryInput,
  ListActivitiesInput,
  MoveActivityInput,
  UpdateActivityInput,
} from "./activities.schemas.js";
import {
  activityAccess,
  activityOrThrow,
  assertGroupInAssessment,
  type LockedActivity,
  lockActivity,
} from "./activity-access.js";
import { insertActivity } from "./activity-insert.js";
import { fetchReadablePage, viaDriver } from "./activity-rows.js";

/** Checks that tags, assets, articles and group named by an input belong to the organization / assessment. */
async function assertReferences(
  tx: Tx,
  ctx: OrgCtx,
  assessmentId: string,
  input: {
    groupId?: string | null | undefined;
    tagIds?: string[] | undefined;
    assetIds?: string[] | undefined;
    knowledgeBaseArticleIds?: string[] | undefined;
  },
) {
  if (input.groupId) await assertGroupInAssessment(tx, ctx.org.id, assessmentId, input.groupId);
  if (input.tagIds) await assertTagsInOrg(tx, ctx.org.id, input.tagIds);
  if (input.assetIds) await assertAssetsInOrg(tx, ctx.org.id, input.assetIds);
  if (input.knowledgeBaseArticleIds) await assertArticlesInOrg(tx, ctx.org.id, input.knowledgeBaseArticleIds);
}

/** Adds an activity at the end of the assessment (lead), in one statement (activity-insert.ts). */
export function createActivity(ctx: OrgCtx, input: CreateActivityInput): Promise<Activity> {
  return insertActivity(ctx, input);
}

/** One page of the assessment's activities in order, with tags and target assets. */
export async function listActivities(ctx: OrgCtx, input: ListActivitiesInput) {
  // The access check rides in the page's statement: one round trip for the hottest read.
  const reader = {
    organizationId: ctx.org.id,
    userId: ctx.user.id,
    leadsEveryAssessment: leadsEveryAssessment(ctx.org),
  };
  const page = await fetchReadablePage(viaDriver(ctx.db), reader, input.assessmentId, input, pageWindow(input));
  if (!page.found) throw notFound("Assessment", "assessmentId");
  requireRolePermission(effectiveAssessmentRole(ctx.org.role, page.aclRole), "read:assessment", "assessmentId");
  return toPage(page.items, page.total, input.page, input.pageSize);
}

/** One activity. */
export async function getActivity(ctx: OrgCtx, id: string): Promise<Activity> {
  await activityAccess(ctx, id, "read:assessment");
  return activityOrThrow(ctx, id);
}

const PLAN_FIELDS = [
  ["title", "title"],
  ["description", "description"],
  ["groupId", "groupId"],
  ["tactic", "tactic"],
  ["techniques", "techniques"],
  ["knowledgeBaseArticleIds", "knowledgeBaseArticleIds"],
] as const;

/** Edits the plan of an activity: title, description, group, ATT&CK mapping, tags, assets, links (lead). */
export async function updateActivity(ctx: OrgCtx, input: UpdateActivityInput): Promise<Activity> {
  const access = await activityAccess(ctx, input.id, "manage:activities");
  await ctx.db.prisma.$transaction(async (tx) => {
    const before = await lockActivity(tx, ctx.org.id, input.id);
    await assertReferences(tx, ctx, access.assessmentId, input);
    const { id, tagIds, assetIds, ...asked } = input;
    const plan = { ...asked, ...(await mappingChange(tx, before, input)) };
    const changes: FieldChange[] = [
      ...changesOf(before, plan, PLAN_FIELDS),
      ...setChange(
        "tagIds",
        before.tags.map((t) => t.tagId),
        tagIds,
      ),
      ...setChange(
        "assetIds",
        before.assets.map((a) => a.assetId),
        assetIds,
      ),
    ];
    if (changes.length === 0) return;
    await tx.activity.update({
      where: { id },
      data: {
        ...defined(plan),
        ...(tagIds ? { tags: { deleteMany: {}, create: tagIds.map((tagId) => ({ tagId })) } } : {}),
        ...(assetIds ? { assets: { deleteMany: {}, create: assetIds.map((assetId) => ({ assetId })) } } : {}),
      },
    });
    await recordHistory(tx, ctx, id, changes);
  });
  return activityOrThrow(ctx, input.id);
}

/**
 * The tactic an update stores, when it touches the ATT&CK mapping: the one asked for (checked
 * against the techniques), else the stored one while it still fits, else the derived one.
 */
async function mappingChange(tx: Tx, before: LockedActivity, input: UpdateActivityInput) {
  if (input.techniques === undefined && input.tactic === undefined) return {};
  const { tactic } = await resolveMapping(tx, {
    techniques: input.techniques ?? before.techniques,
    tactic: input.tactic,
    current: input.tactic === undefined ? before.tactic : null,
    checkTechniques: input.techniques !== undefined,
  });
  return { tactic };
}

/** Moves an activity before or after another one of its assessment (or to the end), optionally into a group (lead). */
export async function moveActivity(ctx: OrgCtx, input: MoveActivityInput): Promise<Activity> {
  const access = await activityAccess(ctx, input.id, "manage:activities");
  await ctx.db.prisma.$transaction(async (tx) => {
    await lockAssessment(tx, ctx.org.id, access.assessmentId);
    const before = await lockActivity(tx, ctx.org.id, input.id);
    if (input.groupId) await assertGroupInAssessment(tx, ctx.org.id, access.assessmentId, input.groupId);
    const ordered = await tx.activity.findMany({
      where: { assessmentId: access.assessmentId, deletedAt: null },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { id: true, position: true },
    });
    const oldRank = ordered.findIndex((a) => a.id === input.id) + 1;
    const siblings = ordered.filter((a) => a.id !== input.id);
    const placed = place(siblings, input.id, input);
    if (placed.renumbered) await renumber(tx, placed.renumbered);
    const groupId = input.groupId === undefined ? before.groupId : input.groupId;
    await tx.activity.update({ where: { id: input.id }, data: { position: placed.position, groupId } });
    const newRank = placed.index + 1;
    const changes: FieldChange[] = changesOf(before, { groupId }, [["groupId", "groupId"]]);
    if (oldRank !== newRank) changes.push({ field: "position", oldValue: oldRank, newValue: newRank });
    await recordHistory(tx, ctx, input.id, changes);
  });
  return activityOrThrow(ctx, input.id);
}

/** Rewrites every activity position of a list in one statement. */
async function renumber(tx: Tx, positions: { id: string; position: number }[]) {
  await tx.$executeRaw`
    UPDATE activities AS a SET position = v.position
    FROM unnest(${positions.map((p) => p.id)}::uuid[], ${positions.map((p) => p.position)}::int[]) AS v(id, position)
    WHERE a.id = v.id`;
}

/** Soft-deletes an activity (lead); its history, comments and evidence stay with it. */
export async function deleteActivity(ctx: OrgCtx, id: string): Promise<Activity> {
  await activityAccess(ctx, id, "manage:activities");
  const snapshot = await activityOrThrow(ctx, id);
  await ctx.db.prisma.$transaction(async (tx) => {
    await lockActivity(tx, ctx.org.id, id);
    await tx.activity.update({ where: { id }, data: { deletedAt: ctx.clock.now() } });
    await recordHistory(tx, ctx, id, [{ field: "deleted", oldValue: null, newValue: true }]);
  });
  return snapshot;
}

/** The field-level history of an activity, newest first. */
export async function activityHistory(ctx: OrgCtx, input: HistoryInput) {
  await activityAccess(ctx, input.id, "read:assessment");
  return listHistory(ctx, input);
}
