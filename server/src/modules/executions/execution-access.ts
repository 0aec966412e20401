/**
 * Who may see and stop an execution. Executions are organization data: another
 * organization's id is NOT_FOUND. Within the organization, one linked to an assessment is
 * visible to whoever may read that assessment; one without an assessment to the person who
 * started it and the organization's owners and admins (who lead every assessment anyway).
 * Stopping takes the starter, the assessment's lead, or an owner or admin.
 */
import type { Execution } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { leadsEveryAssessment, requireAssessmentPermission } from "../acl/access.js";
import { type AssessmentRole, assessmentCan } from "../acl/permissions.js";

export const executionNotFound = (field = "id") => new AppError("NOT_FOUND", "Execution not found", field);

/** The caller's role on the execution's assessment (null without one), or NOT_FOUND. */
async function roleOn(ctx: OrgCtx, row: Execution): Promise<AssessmentRole | null> {
  if (!row.assessmentId) {
    if (row.startedById === ctx.user.id || leadsEveryAssessment(ctx.org)) return null;
    throw executionNotFound();
  }
  const access = await requireAssessmentPermission(ctx, row.assessmentId, "read:assessment").catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? executionNotFound() : error;
  });
  return access.role;
}

/** Execution `id` if the caller may see it; NOT_FOUND otherwise. */
export async function readableExecution(ctx: OrgCtx, id: string): Promise<Execution> {
  const row = isUuid(id)
    ? await ctx.db.prisma.execution.findFirst({ where: { id, organizationId: ctx.org.id } })
    : null;
  if (!row) throw executionNotFound();
  await roleOn(ctx, row);
  return row;
}

/** Execution `id` if the caller may stop it; NOT_FOUND when invisible, FORBIDDEN when only visible. */
export async function cancellableExecution(ctx: OrgCtx, id: string): Promise<Execution> {
  const row = isUuid(id)
    ? await ctx.db.prisma.execution.findFirst({ where: { id, organizationId: ctx.org.id } })
    : null;
  if (!row) throw executionNotFound();
  const role = await roleOn(ctx, row);
  const allowed =
    row.startedById === ctx.user.id ||
    leadsEveryAssessment(ctx.org) ||
    (role !== null && assessmentCan(role, "manage:activities"));
  if (!allowed) throw new AppError("FORBIDDEN", "Only who started it, the assessment's lead or an admin can cancel it");
  return row;
}

/** The filter of executions the caller may list (all for owners and admins). */
export async function visibleExecutions(ctx: OrgCtx) {
  if (leadsEveryAssessment(ctx.org)) return { organizationId: ctx.org.id };
  const acl = await ctx.db.prisma.assessmentAcl.findMany({
    where: { userId: ctx.user.id, assessment: { organizationId: ctx.org.id, deletedAt: null } },
    select: { assessmentId: true },
  });
  return {
    organizationId: ctx.org.id,
    OR: [{ startedById: ctx.user.id, assessmentId: null }, { assessmentId: { in: acl.map((a) => a.assessmentId) } }],
  };
}
