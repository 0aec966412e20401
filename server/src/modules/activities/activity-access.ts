/**
 * Finding an activity the caller may act on: live, in the caller's organization, in an
 * assessment the caller can see, with the permission asked for (acl/access.ts decides).
 * Anything else is NOT_FOUND on `field`, so ids of other organizations reveal nothing.
 */

import type { Tx } from "../../db/database.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { requireAssessmentPermission } from "../acl/access.js";
import type { AssessmentPermission, AssessmentRole } from "../acl/permissions.js";
import type { Activity } from "./activities.schemas.js";
import { fetchActivity, viaDriver } from "./activity-rows.js";

export interface ActivityAccess {
  id: string;
  assessmentId: string;
  role: AssessmentRole;
}

/** The caller's role on the assessment of activity `id`, checked against `permission`. */
export async function activityAccess(
  ctx: OrgCtx,
  id: string,
  permission: AssessmentPermission,
  field = "id",
): Promise<ActivityAccess> {
  const row = isUuid(id)
    ? await ctx.db.prisma.activity.findFirst({
        where: { id, organizationId: ctx.org.id, deletedAt: null },
        select: { id: true, assessmentId: true },
      })
    : null;
  if (!row) throw notFound("Activity", field);
  const access = await requireAssessmentPermission(ctx, row.assessmentId, permission).catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? notFound("Activity", field) : error;
  });
  return { id: row.id, assessmentId: row.assessmentId, role: access.role };
}

/** The activity as the API shows it, after a write (read outside the transaction, committed). */
export async function activityOrThrow(ctx: OrgCtx, id: string): Promise<Activity> {
  const activity = await fetchActivity(viaDriver(ctx.db), ctx.org.id, id);
  if (!activity) throw notFound("Activity");
  return activity;
}

/** Locks the activity row for the transaction and returns it with its tag and asset ids. */
export async function lockActivity(tx: Tx, organizationId: string, id: string) {
  const locked = await tx.$queryRaw<{ id: string }[]>`
    SELECT id FROM activities
    WHERE id = ${id}::uuid AND "organizationId" = ${organizationId}::uuid AND "deletedAt" IS NULL
    FOR UPDATE`;
  if (locked.length === 0) throw notFound("Activity");
  return tx.activity.findUniqueOrThrow({
    where: { id },
    include: { tags: { select: { tagId: true } }, assets: { select: { assetId: true } } },
  });
}

export type LockedActivity = Awaited<ReturnType<typeof lockActivity>>;

/** Throws NOT_FOUND on `field` unless `groupId` is a group of the assessment. */
export async function assertGroupInAssessment(
  tx: Tx,
  organizationId: string,
  assessmentId: string,
  groupId: string,
  field = "groupId",
): Promise<void> {
  const group = await tx.activityGroup.findFirst({
    where: { id: groupId, assessmentId, organizationId },
    select: { id: true },
  });
  if (!group) throw notFound("Activity group", field);
}
