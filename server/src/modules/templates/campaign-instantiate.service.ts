/**
 * campaigns.instantiate: a campaign template (global or the organization's) becomes a NEW
 * assessment of the caller's organization, led by the caller, with one phase per group
 * template and one planned activity per activity template (title, description, tactic and
 * techniques, checked and completed as activities.create does), all in ONE transaction: a failure anywhere leaves nothing behind. Rows are
 * written the way the assessments module writes them (positions POSITION_STEP apart, the
 * creator as owner and lead, a "created" history entry per activity, an audit event).
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, type ErrorItem } from "../../lib/app-error.js";
import { requireOrgPermission } from "../acl/access.js";
import { recordHistories } from "../activity-history/activity-history.js";
import type { Assessment } from "../assessments/assessments.schemas.js";
import { auditAssessment, toAssessment, withTagsAndRole } from "../assessments/assessments.service.js";
import { POSITION_STEP } from "../assessments/ordering.js";
import { API_FIELDS, checkMapping, loadAttackFacts } from "../mitre/technique-mapping.js";
import { assertTagsInOrg } from "../tags/tags.service.js";
import type { InstantiateCampaignInput } from "./campaigns.schemas.js";
import { templateNotFound } from "./template-scope.js";

const campaignPlan = {
  items: {
    orderBy: { position: "asc" },
    select: {
      groupTemplate: {
        select: {
          id: true,
          name: true,
          description: true,
          items: {
            orderBy: { position: "asc" },
            select: {
              activityTemplate: {
                select: { id: true, name: true, description: true, tactic: true, techniques: true },
              },
            },
          },
        },
      },
    },
  },
} as const satisfies Prisma.CampaignTemplateInclude;

const toDate = (value: string | null | undefined) => (value ? new Date(value) : null);

type TemplateMapping = { id: string; name: string; tactic: string | null; techniques: string[] };

/**
 * Each activity template's mapping checked by the activities' rules (mitre/technique-mapping.ts):
 * the tactic each activity gets (the template's, or derived from its techniques), or VALIDATION
 * on `campaignId` naming the templates to fix (a technique ATT&CK does not know, a tactic that
 * fits none of the techniques): an activity must never get what activities.create refuses.
 */
async function activityTactics(tx: Tx, templates: TemplateMapping[]): Promise<(string | null)[]> {
  const facts = await loadAttackFacts(
    tx,
    templates.flatMap((t) => t.techniques),
    templates.flatMap((t) => (t.tactic ? [t.tactic] : [])),
  );
  const problems: ErrorItem[] = [];
  const tactics = templates.map((t) => {
    const checked = checkMapping(facts, t, API_FIELDS);
    for (const p of checked.problems) {
      problems.push({ ...p, field: "campaignId", message: `Activity template "${t.name}" (${t.id}): ${p.message}` });
    }
    return checked.tactic;
  });
  const first = problems[0];
  if (first) throw new AppError("VALIDATION", first.message, "campaignId", problems);
  return tactics;
}

/** Creates the assessment planned by campaign template `campaignId`; the caller leads it. */
export async function instantiateCampaign(ctx: OrgCtx, input: InstantiateCampaignInput): Promise<Assessment> {
  requireOrgPermission(ctx.org, "create:assessment");
  const row = await ctx.db.prisma.$transaction(async (tx) => {
    const campaign = await tx.campaignTemplate.findFirst({
      where: { id: input.campaignId, OR: [{ organizationId: null }, { organizationId: ctx.org.id }] },
      include: campaignPlan,
    });
    if (!campaign) throw templateNotFound("Campaign template", "campaignId");
    await assertTagsInOrg(tx, ctx.org.id, input.tagIds);
    const groups = campaign.items.map((item) => item.groupTemplate);
    const templates = groups.flatMap((g) => g.items.map((i) => i.activityTemplate));
    const tactics = await activityTactics(tx, templates);

    const assessmentId = ctx.ids.uuid();
    await tx.assessment.create({
      data: {
        id: assessmentId,
        organizationId: ctx.org.id,
        name: input.name,
        description: input.description ?? campaign.description,
        startDate: toDate(input.startDate),
        endDate: toDate(input.endDate),
        ownerId: ctx.user.id,
        acl: { create: { userId: ctx.user.id, role: "lead", grantedById: ctx.user.id } },
        tags: { create: [...new Set(input.tagIds)].map((tagId) => ({ tagId })) },
      },
    });
    const groupIds = groups.map(() => ctx.ids.uuid());
    await tx.activityGroup.createMany({
      data: groups.map((group, index) => ({
        id: groupIds[index] as string,
        organizationId: ctx.org.id,
        assessmentId,
        name: group.name,
        description: group.description,
        position: (index + 1) * POSITION_STEP,
      })),
    });
    const activities = groups.flatMap((group, g) =>
      group.items.map(({ activityTemplate: t }) => ({ template: t, groupId: groupIds[g] as string })),
    );
    const activityIds = activities.map(() => ctx.ids.uuid());
    await tx.activity.createMany({
      data: activities.map(({ template, groupId }, index) => ({
        id: activityIds[index] as string,
        organizationId: ctx.org.id,
        assessmentId,
        groupId,
        // One order across the whole assessment: phase by phase, each phase's activities in order.
        position: (index + 1) * POSITION_STEP,
        title: template.name.slice(0, 300),
        description: template.description,
        tactic: tactics[index] ?? null,
        techniques: template.techniques,
        knowledgeBaseArticleIds: [],
        createdById: ctx.user.id,
      })),
    });
    await recordHistories(
      tx,
      ctx,
      activities.map(({ template }, index) => ({
        activityId: activityIds[index] as string,
        field: "created",
        oldValue: null,
        newValue: { title: template.name, activityTemplateId: template.id, campaignTemplateId: campaign.id },
      })),
    );
    await auditAssessment(ctx, tx, "assessment.instantiated", assessmentId, {
      name: input.name,
      campaignTemplateId: campaign.id,
      campaignName: campaign.name,
      groups: groups.length,
      activities: activities.length,
    });
    return tx.assessment.findUniqueOrThrow({ where: { id: assessmentId }, include: withTagsAndRole(ctx.user.id) });
  });
  return toAssessment(ctx, row);
}
