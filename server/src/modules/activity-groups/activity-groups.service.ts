/**
 * Activity groups: the phases of an assessment, in order. The lead creates, renames,
 * reorders and deletes them; deleting a group keeps its activities (they become ungrouped,
 * each change written to their history).
 */

import type { Tx } from "../../db/database.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { defined } from "../../lib/defined.js";
import { isUuid } from "../../lib/ids.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { requireAssessmentPermission } from "../acl/access.js";
import type { AssessmentPermission } from "../acl/permissions.js";
import { recordHistories } from "../activity-history/activity-history.js";
import { lockAssessment } from "../assessments/assessment-lock.js";
import { requireAssessment } from "../assessments/assessments.service.js";
import { POSITION_STEP, place } from "../assessments/ordering.js";
import type {
  ActivityGroup,
  CreateGroupInput,
  ListGroupsInput,
  MoveGroupInput,
  UpdateGroupInput,
} from "./activity-groups.schemas.js";

interface GroupRow {
  id: string;
  organizationId: string;
  assessmentId: string;
  name: string;
  description: string;
  position: number;
  createdAt: Date;
  updatedAt: Date;
  _count: { activities: number };
}

const withCount = { _count: { select: { activities: { where: { deletedAt: null } } } } } as const;

function toGroup(row: GroupRow): ActivityGroup {
  return {
    id: row.id,
    organizationId: row.organizationId,
    assessmentId: row.assessmentId,
    name: row.name,
    description: row.description,
    position: row.position,
    activityCount: row._count.activities,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The group `id` if the caller holds `permission` on its assessment; NOT_FOUND otherwise. */
async function groupAccess(ctx: OrgCtx, id: string, permission: AssessmentPermission) {
  const row = isUuid(id)
    ? await ctx.db.prisma.activityGroup.findFirst({
        where: { id, organizationId: ctx.org.id },
        select: { id: true, assessmentId: true },
      })
    : null;
  if (!row) throw notFound("Activity group");
  await requireAssessmentPermission(ctx, row.assessmentId, permission).catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? notFound("Activity group") : error;
  });
  return row;
}

async function groupOrThrow(ctx: OrgCtx, id: string): Promise<ActivityGroup> {
  const row = await ctx.db.prisma.activityGroup.findFirst({
    where: { id, organizationId: ctx.org.id },
    include: withCount,
  });
  if (!row) throw notFound("Activity group");
  return toGroup(row);
}

/** Adds a group at the end of the assessment (lead). */
export async function createGroup(ctx: OrgCtx, input: CreateGroupInput): Promise<ActivityGroup> {
  await requireAssessment(ctx, input.assessmentId, "manage:activities", "assessmentId");
  const id = await ctx.db.prisma.$transaction(async (tx) => {
    await lockAssessment(tx, ctx.org.id, input.assessmentId);
    const last = await tx.activityGroup.findFirst({
      where: { assessmentId: input.assessmentId },
      orderBy: { position: "desc" },
      select: { position: true },
    });
    const created = await tx.activityGroup.create({
      data: {
        organizationId: ctx.org.id,
        assessmentId: input.assessmentId,
        name: input.name,
        description: input.description,
        position: (last?.position ?? 0) + POSITION_STEP,
      },
      select: { id: true },
    });
    return created.id;
  });
  return groupOrThrow(ctx, id);
}

/** The groups of an assessment, in order. */
export async function listGroups(ctx: OrgCtx, input: ListGroupsInput) {
  await requireAssessment(ctx, input.assessmentId, "read:assessment", "assessmentId");
  const where = { assessmentId: input.assessmentId, organizationId: ctx.org.id };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.activityGroup.count({ where }),
    prisma.activityGroup.findMany({
      where,
      orderBy: [{ position: "asc" }, { id: "asc" }],
      include: withCount,
      ...pageWindow(input),
    }),
  ]);
  return toPage(rows.map(toGroup), total, input.page, input.pageSize);
}

/** Renames or redescribes a group (lead). */
export async function updateGroup(ctx: OrgCtx, input: UpdateGroupInput): Promise<ActivityGroup> {
  await groupAccess(ctx, input.id, "manage:activities");
  const { id, ...changes } = input;
  await ctx.db.prisma.activityGroup.update({ where: { id }, data: defined(changes) });
  return groupOrThrow(ctx, id);
}

/** Places a group before or after another of its assessment, or at the end (lead). */
export async function moveGroup(ctx: OrgCtx, input: MoveGroupInput): Promise<ActivityGroup> {
  const group = await groupAccess(ctx, input.id, "manage:activities");
  await ctx.db.prisma.$transaction(async (tx) => {
    await lockAssessment(tx, ctx.org.id, group.assessmentId);
    const siblings = await tx.activityGroup.findMany({
      where: { assessmentId: group.assessmentId, id: { not: input.id } },
      orderBy: [{ position: "asc" }, { id: "asc" }],
      select: { id: true, position: true },
    });
    const placed = place(siblings, input.id, input);
    if (placed.renumbered) await renumber(tx, placed.renumbered);
    await tx.activityGroup.update({ where: { id: input.id }, data: { position: placed.position } });
  });
  return groupOrThrow(ctx, input.id);
}

async function renumber(tx: Tx, positions: { id: string; position: number }[]) {
  await tx.$executeRaw`
    UPDATE activity_groups AS g SET position = v.position
    FROM unnest(${positions.map((p) => p.id)}::uuid[], ${positions.map((p) => p.position)}::int[]) AS v(id, position)
    WHERE g.id = v.id`;
}

/** Deletes a group (lead); its activities stay in the assessment, ungrouped. */
export async function deleteGroup(ctx: OrgCtx, id: string): Promise<ActivityGroup> {
  const group = await groupAccess(ctx, id, "manage:activities");
  const snapshot = await groupOrThrow(ctx, id);
  await ctx.db.prisma.$transaction(async (tx) => {
    await lockAssessment(tx, ctx.org.id, group.assessmentId);
    const members = await tx.activity.findMany({ where: { groupId: id }, select: { id: true } });
    await tx.activity.updateMany({ where: { groupId: id }, data: { groupId: null } });
    await recordHistories(
      tx,
      ctx,
      members.map((m) => ({ activityId: m.id, field: "groupId", oldValue: id, newValue: null })),
    );
    await tx.activityGroup.delete({ where: { id } });
  });
  return snapshot;
}
