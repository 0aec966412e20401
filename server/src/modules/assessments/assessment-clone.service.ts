/**
 * Cloning an assessment into a new one, in ONE transaction: its tags, phases and
 * activities (plan: title, description, phase, ATT&CK mapping, tags, target assets,
 * knowledge-base links, command, source, target and red's expectations). With
 * `withResults`, also what happened: execution time and executor, blue's outcome and
 * timings, the evaluation and each activity's workflow status; without, every activity
 * starts planned. Comments, evidence, history and the ACL are not copied: the caller
 * becomes the lead of the copy.
 */
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordHistories } from "../activity-history/activity-history.js";
import type { Assessment, CloneAssessmentInput } from "./assessments.schemas.js";
import { auditAssessment, requireAssessment, toAssessment, withTagsAndRole } from "./assessments.service.js";

type SourceActivity = Prisma.ActivityGetPayload<{
  include: { tags: { select: { tagId: true } }; assets: { select: { assetId: true } } };
}>;

function copyOf(
  a: SourceActivity,
  ids: { id: string; assessmentId: string; groupId: string | null },
  ctx: OrgCtx,
  withResults: boolean,
): Prisma.ActivityCreateManyInput {
  const plan: Prisma.ActivityCreateManyInput = {
    ...ids,
    organizationId: ctx.org.id,
    position: a.position,
    title: a.title,
    description: a.description,
    tactic: a.tactic,
    techniques: a.techniques,
    knowledgeBaseArticleIds: a.knowledgeBaseArticleIds,
    command: a.command,
    source: a.source,
    target: a.target,
    expectLogged: a.expectLogged,
    expectPrevented: a.expectPrevented,
    expectAlerted: a.expectAlerted,
    expectNotified: a.expectNotified,
    expectedSeverity: a.expectedSeverity,
    createdById: ctx.user.id,
  };
  if (!withResults) return plan;
  return {
    ...plan,
    status: a.status,
    executedAt: a.executedAt,
    executedBy: a.executedBy,
    executedByUserId: a.executedByUserId,
    outcome: a.outcome,
    detectedAt: a.detectedAt,
    detectionSource: a.detectionSource,
    alertSeverity: a.alertSeverity,
    notifiedAt: a.notifiedAt,
    blueNotes: a.blueNotes,
    preventionResult: a.preventionResult,
    detectionResult: a.detectionResult,
    loggingResult: a.loggingResult,
    notificationResult: a.notificationResult,
    severityResult: a.severityResult,
    evaluationOverrides: a.evaluationOverrides as Prisma.InputJsonValue,
    evaluatedAt: a.evaluatedAt,
    evaluatedById: a.evaluatedById,
  };
}

/** Copies assessment `id` into a new assessment led by the caller. */
export async function cloneAssessment(ctx: OrgCtx, input: CloneAssessmentInput): Promise<Assessment> {
  requireOrgPermission(ctx.org, "create:assessment");
  await requireAssessment(ctx, input.id, "read:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const source = await tx.assessment.findFirstOrThrow({
      where: { id: input.id, organizationId: ctx.org.id },
      include: { tags: { select: { tagId: true } } },
    });
    const [groups, activities] = await Promise.all([
      tx.activityGroup.findMany({ where: { assessmentId: source.id }, orderBy: { position: "asc" } }),
      tx.activity.findMany({
        where: { assessmentId: source.id, deletedAt: null },
        orderBy: { position: "asc" },
        include: { tags: { select: { tagId: true } }, assets: { select: { assetId: true } } },
      }),
    ]);
    const assessmentId = ctx.ids.uuid();
    await tx.assessment.create({
      data: {
        id: assessmentId,
        organizationId: ctx.org.id,
        name: input.name ?? `${source.name} (copy)`.slice(0, 200),
        description: source.description,
        startDate: input.withResults ? source.startDate : null,
        endDate: input.withResults ? source.endDate : null,
        ownerId: ctx.user.id,
        acl: { create: { userId: ctx.user.id, role: "lead", grantedById: ctx.user.id } },
        tags: { create: source.tags.map((t) => ({ tagId: t.tagId })) },
      },
    });
    const groupIds = new Map(groups.map((g) => [g.id, ctx.ids.uuid()]));
    await tx.activityGroup.createMany({
      data: groups.map((g) => ({
        id: groupIds.get(g.id) as string,
        organizationId: ctx.org.id,
        assessmentId,
        name: g.name,
        description: g.description,
        position: g.position,
      })),
    });
    const activityIds = new Map(activities.map((a) => [a.id, ctx.ids.uuid()]));
    const idsOf = (a: SourceActivity) => ({
      id: activityIds.get(a.id) as string,
      assessmentId,
      groupId: a.groupId ? (groupIds.get(a.groupId) ?? null) : null,
    });
    await tx.activity.createMany({ data: activities.map((a) => copyOf(a, idsOf(a), ctx, input.withResults)) });
    await tx.activityTag.createMany({
      data: activities.flatMap((a) =>
        a.tags.map((t) => ({ activityId: activityIds.get(a.id) as string, tagId: t.tagId })),
      ),
    });
    await tx.activityAsset.createMany({
      data: activities.flatMap((a) =>
        a.assets.map((s) => ({ activityId: activityIds.get(a.id) as string, assetId: s.assetId })),
      ),
    });
    await recordHistories(
      tx,
      ctx,
      activities.map((a) => ({
        activityId: activityIds.get(a.id) as string,
        field: "created",
        oldValue: null,
        newValue: { title: a.title, clonedFrom: a.id, withResults: input.withResults },
      })),
    );
    await auditAssessment(ctx, tx, "assessment.cloned", assessmentId, {
      sourceId: source.id,
      withResults: input.withResults,
      activities: activities.length,
    });
    return tx.assessment.findUniqueOrThrow({ where: { id: assessmentId }, include: withTagsAndRole(ctx.user.id) });
  });
  return toAssessment(ctx, row);
}
