/**
 * Assessments of an organization: creating (the creator becomes lead), finding the ones the
 * caller may read, editing, archiving, soft delete and restore. Who may do what is decided
 * by acl/access.ts; this file only asks.
 */
import { type Context, originOf } from "../../context.js";
import type { Tx } from "../../db/database.js";
import type { AssessmentRole, Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { iso } from "../../lib/clock.js";
import { likeLiteral, pageWindow, toPage } from "../../lib/pagination.js";
import { requireAssessmentPermission, requireOrgPermission } from "../acl/access.js";
import { type AssessmentPermission, effectiveAssessmentRole } from "../acl/permissions.js";
import { recordAudit } from "../audit/audit.js";
import { assertTagsInOrg } from "../tags/tags.service.js";
import type {
  Assessment,
  AssessmentDetail,
  CreateAssessmentInput,
  ListAssessmentsInput,
  UpdateAssessmentInput,
} from "./assessments.schemas.js";

/** What every assessment read includes: its tags and the caller's ACL row. */
export const withTagsAndRole = (userId: string) =>
  ({
    tags: { select: { tag: { select: { id: true, name: true, color: true } } } },
    acl: { where: { userId }, select: { role: true } },
  }) satisfies Prisma.AssessmentInclude;

type AssessmentRow = Prisma.AssessmentGetPayload<{ include: ReturnType<typeof withTagsAndRole> }>;

/** The API shape of an assessment row; `role` when already resolved, else from the org role and ACL row. */
export function toAssessment(ctx: OrgCtx, row: AssessmentRow, role?: AssessmentRole): Assessment {
  const resolved = role ?? effectiveAssessmentRole(ctx.org.role, row.acl[0]?.role ?? null) ?? "spectator";
  return {
    id: row.id,
    organizationId: row.organizationId,
    name: row.name,
    description: row.description,
    status: row.status,
    startDate: iso(row.startDate),
    endDate: iso(row.endDate),
    ownerId: row.ownerId,
    alertMatching: row.alertMatching as Assessment["alertMatching"],
    role: resolved,
    tags: row.tags.map((t) => t.tag).sort((a, b) => a.name.localeCompare(b.name)),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    deletedAt: iso(row.deletedAt),
  };
}

const toDate = (value: string | null | undefined) => (value ? new Date(value) : null);

/** Records an assessment event in the caller's transaction. */
export function auditAssessment(
  ctx: OrgCtx,
  tx: Tx,
  type: string,
  assessmentId: string,
  metadata: Prisma.InputJsonObject = {},
) {
  return recordAudit(tx, originOf(ctx), {
    type,
    actorId: ctx.user.id,
    targetType: "assessment",
    targetId: assessmentId,
    metadata: { organizationId: ctx.org.id, ...metadata },
  });
}

/** Creates an assessment; the creator is recorded as owner and granted the lead role. */
export async function createAssessment(ctx: OrgCtx, input: CreateAssessmentInput): Promise<Assessment> {
  requireOrgPermission(ctx.org, "create:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    await assertTagsInOrg(tx, ctx.org.id, input.tagIds);
    const created = await tx.assessment.create({
      data: {
        organizationId: ctx.org.id,
        name: input.name,
        description: input.description,
        status: input.status,
        startDate: toDate(input.startDate),
        endDate: toDate(input.endDate),
        ownerId: ctx.user.id,
        acl: { create: { userId: ctx.user.id, role: "lead", grantedById: ctx.user.id } },
        tags: { create: [...new Set(input.tagIds)].map((tagId) => ({ tagId })) },
      },
      include: withTagsAndRole(ctx.user.id),
    });
    await auditAssessment(ctx, tx, "assessment.created", created.id, { name: created.name });
    return created;
  });
  return toAssessment(ctx, row);
}

function listWhere(ctx: OrgCtx, input: ListAssessmentsInput): Prisma.AssessmentWhereInput {
  const where: Prisma.AssessmentWhereInput = {
    organizationId: ctx.org.id,
    deletedAt: input.deleted ? { not: null } : null,
  };
  // Owners and admins lead every assessment; members see the ones shared with them.
  if (effectiveAssessmentRole(ctx.org.role, null) === null) where.acl = { some: { userId: ctx.user.id } };
  if (input.status) where.status = input.status;
  if (input.tagId) where.tags = { some: { tagId: input.tagId } };
  const and: Prisma.AssessmentWhereInput[] = [];
  if (input.q) {
    const q = likeLiteral(input.q);
    and.push({
      OR: [{ name: { contains: q, mode: "insensitive" } }, { description: { contains: q, mode: "insensitive" } }],
    });
  }
  // Range overlap: dated assessments whose [startDate, endDate ?? open] meets [from, to].
  if (input.startDate || input.endDate) {
    and.push({ startDate: input.endDate ? { not: null, lte: new Date(input.endDate) } : { not: null } });
    if (input.startDate) and.push({ OR: [{ endDate: null }, { endDate: { gte: new Date(input.startDate) } }] });
  }
  if (and.length > 0) where.AND = and;
  return where;
}

/** The assessments the caller may read, filtered and sorted, one page. */
export async function listAssessments(ctx: OrgCtx, input: ListAssessmentsInput) {
  requireOrgPermission(ctx.org, "read:organization");
  const where = listWhere(ctx, input);
  const orderBy: Prisma.AssessmentOrderByWithRelationInput[] =
    input.sort === "startDate"
      ? [{ startDate: { sort: input.order, nulls: "last" } }, { id: input.order }]
      : [{ [input.sort]: input.order }, { id: input.order }];
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.assessment.count({ where }),
    prisma.assessment.findMany({ where, orderBy, include: withTagsAndRole(ctx.user.id), ...pageWindow(input) }),
  ]);
  return toPage(
    rows.map((row) => toAssessment(ctx, row)),
    total,
    input.page,
    input.pageSize,
  );
}

async function loadAssessment(ctx: OrgCtx, id: string) {
  const row = await ctx.db.prisma.assessment.findFirst({
    where: { id, organizationId: ctx.org.id },
    include: withTagsAndRole(ctx.user.id),
  });
  if (!row) throw notFound("Assessment");
  return row;
}

/** One assessment with its activity counts. */
export async function getAssessment(ctx: OrgCtx, id: string): Promise<AssessmentDetail> {
  const access = await requireAssessment(ctx, id, "read:assessment");
  const { prisma } = ctx.db;
  const [row, byStatus, groupCount] = await prisma.$transaction([
    prisma.assessment.findFirstOrThrow({
      where: { id, organizationId: ctx.org.id },
      include: withTagsAndRole(ctx.user.id),
    }),
    prisma.activity.groupBy({
      by: ["status"],
      where: { assessmentId: id, organizationId: ctx.org.id, deletedAt: null },
      orderBy: { status: "asc" },
      _count: { _all: true },
    }),
    prisma.activityGroup.count({ where: { assessmentId: id, organizationId: ctx.org.id } }),
  ]);
  const counts = { total: 0, planned: 0, waiting_red: 0, waiting_blue: 0, evaluated: 0, skipped: 0 };
  for (const entry of byStatus) {
    const n = typeof entry._count === "object" ? (entry._count._all ?? 0) : 0;
    counts[entry.status] = n;
    counts.total += n;
  }
  return { ...toAssessment(ctx, row, access.role), activityCounts: counts, groupCount };
}

/** requireAssessmentPermission, with NOT_FOUND on the input field that named the assessment. */
export async function requireAssessment(
  ctx: OrgCtx,
  id: string,
  permission: AssessmentPermission,
  field = "id",
  options: { includeDeleted?: boolean } = {},
) {
  try {
    return await requireAssessmentPermission(ctx, id, permission, options);
  } catch (error) {
    if (error instanceof AppError && error.code === "NOT_FOUND") throw notFound("Assessment", field);
    throw error;
  }
}

/** Edits name, description, status, dates or tags (lead). */
export async function updateAssessment(
  ctx: OrgCtx & Pick<Context, "events">,
  input: UpdateAssessmentInput,
): Promise<Assessment> {
  const access = await requireAssessment(ctx, input.id, "update:assessment");
  let completed = false;
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const before = await tx.assessment.findFirstOrThrow({ where: { id: input.id, organizationId: ctx.org.id } });
    completed = input.status === "completed" && before.status !== "completed";
    const startDate = input.startDate === undefined ? before.startDate : toDate(input.startDate);
    const endDate = input.endDate === undefined ? before.endDate : toDate(input.endDate);
    if (startDate && endDate && endDate < startDate) {
      throw new AppError("VALIDATION", "must not be before startDate", "endDate");
    }
    const data: Prisma.AssessmentUpdateInput = { startDate, endDate };
    if (input.name !== undefined) data.name = input.name;
    if (input.description !== undefined) data.description = input.description;
    if (input.status !== undefined) data.status = input.status;
    if (input.alertMatching !== undefined) data.alertMatching = input.alertMatching;
    if (input.tagIds !== undefined) {
      await assertTagsInOrg(tx, ctx.org.id, input.tagIds);
      data.tags = { deleteMany: {}, create: [...new Set(input.tagIds)].map((tagId) => ({ tagId })) };
    }
    await tx.assessment.update({ where: { id: input.id }, data });
    const fields = Object.keys(input).filter((k) => k !== "id");
    await auditAssessment(ctx, tx, "assessment.updated", input.id, { fields });
    return tx.assessment.findFirstOrThrow({ where: { id: input.id }, include: withTagsAndRole(ctx.user.id) });
  });
  if (completed) {
    ctx.events.emit({
      type: "assessment.completed",
      organizationId: ctx.org.id,
      actorId: ctx.user.id,
      data: { assessmentId: row.id, name: row.name, status: row.status, endDate: iso(row.endDate) },
    });
  }
  return toAssessment(ctx, row, access.role);
}

/** Sets the status to archived (lead). */
export async function archiveAssessment(ctx: OrgCtx, id: string): Promise<Assessment> {
  const access = await requireAssessment(ctx, id, "update:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.assessment.update({
      where: { id },
      data: { status: "archived" },
      include: withTagsAndRole(ctx.user.id),
    });
    await auditAssessment(ctx, tx, "assessment.archived", id);
    return updated;
  });
  return toAssessment(ctx, row, access.role);
}

/** Soft-deletes an assessment (lead): hidden from lists and reads until restored. */
export async function deleteAssessment(ctx: OrgCtx, id: string): Promise<Assessment> {
  const access = await requireAssessment(ctx, id, "delete:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.assessment.update({
      where: { id },
      data: { deletedAt: ctx.clock.now() },
      include: withTagsAndRole(ctx.user.id),
    });
    await auditAssessment(ctx, tx, "assessment.deleted", id);
    return updated;
  });
  return toAssessment(ctx, row, access.role);
}

/** Brings a soft-deleted assessment back (lead); restoring a live one changes nothing. */
export async function restoreAssessment(ctx: OrgCtx, id: string): Promise<Assessment> {
  const access = await requireAssessment(ctx, id, "delete:assessment", "id", { includeDeleted: true });
  const current = await loadAssessment(ctx, id);
  if (!current.deletedAt) return toAssessment(ctx, current, access.role);
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const updated = await tx.assessment.update({
      where: { id },
      data: { deletedAt: null },
      include: withTagsAndRole(ctx.user.id),
    });
    await auditAssessment(ctx, tx, "assessment.restored", id);
    return updated;
  });
  return toAssessment(ctx, row, access.role);
}
