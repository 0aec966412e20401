/**
 * What group and campaign templates point at: the reads that load their ordered members, the
 * check that every member exists and may be used in the template's scope (global templates use
 * global members only; an organization's use global ones and its own), and slot rewriting.
 */

import type { Tx } from "../../db/database.js";
import type { Prisma } from "../../generated/prisma/client.js";
import { AppError, type ErrorItem } from "../../lib/app-error.js";
import type { ActivityTemplateRef, CampaignTemplate, GroupTemplate } from "./sequence-templates.schemas.js";
import { toTemplateBase } from "./template-common.schemas.js";

const ACTIVITY_REF = {
  id: true,
  organizationId: true,
  name: true,
  tactic: true,
  techniques: true,
  platforms: true,
} as const satisfies Prisma.ActivityTemplateSelect;

export const groupInclude = {
  items: { orderBy: { position: "asc" }, select: { activityTemplate: { select: ACTIVITY_REF } } },
} as const satisfies Prisma.ActivityGroupTemplateInclude;

export const campaignInclude = {
  items: { orderBy: { position: "asc" }, select: { groupTemplate: { include: groupInclude } } },
} as const satisfies Prisma.CampaignTemplateInclude;

type GroupRow = Prisma.ActivityGroupTemplateGetPayload<{ include: typeof groupInclude }>;
type CampaignRow = Prisma.CampaignTemplateGetPayload<{ include: typeof campaignInclude }>;
type ActivityRefRow = Prisma.ActivityTemplateGetPayload<{ select: typeof ACTIVITY_REF }>;

function toActivityRef(row: ActivityRefRow): ActivityTemplateRef {
  return {
    id: row.id,
    scope: row.organizationId ? "org" : "global",
    name: row.name,
    tactic: row.tactic,
    techniques: row.techniques,
    platforms: row.platforms,
  };
}

export function toGroupTemplate(row: GroupRow): GroupTemplate {
  return { ...toTemplateBase(row), activities: row.items.map((item) => toActivityRef(item.activityTemplate)) };
}

export function toCampaignTemplate(row: CampaignRow): CampaignTemplate {
  return {
    ...toTemplateBase(row),
    groups: row.items.map(({ groupTemplate: g }) => ({
      id: g.id,
      scope: g.organizationId ? ("org" as const) : ("global" as const),
      name: g.name,
      description: g.description,
      activities: g.items.map((item) => toActivityRef(item.activityTemplate)),
    })),
  };
}

/** Rows a template in `organizationId`'s scope may point at: global ones, plus the organization's own. */
export const usableIn = (organizationId: string | null) =>
  organizationId ? { OR: [{ organizationId: null }, { organizationId }] } : { organizationId: null };

/** NOT_FOUND listing every position of `ids` that is not in `found`, as `field.<index>`. */
function assertAllFound(ids: string[], found: Set<string>, what: string, field: string): void {
  const details: ErrorItem[] = ids.flatMap((id, index) =>
    found.has(id) ? [] : [{ code: "NOT_FOUND" as const, message: `${what} not found`, field: `${field}.${index}` }],
  );
  const first = details[0];
  if (first) throw new AppError("NOT_FOUND", first.message, first.field, details);
}

/** Checks every activity template of `ids` is live and usable in the scope of `organizationId`. */
export async function assertActivityTemplatesUsable(
  tx: Tx,
  organizationId: string | null,
  ids: string[],
  field = "activityTemplateIds",
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx.activityTemplate.findMany({
    where: { id: { in: [...new Set(ids)] }, deletedAt: null, ...usableIn(organizationId) },
    select: { id: true },
  });
  assertAllFound(ids, new Set(rows.map((r) => r.id)), "Activity template", field);
}

/** Checks every group template of `ids` exists and is usable in the scope of `organizationId`. */
export async function assertGroupTemplatesUsable(
  tx: Tx,
  organizationId: string | null,
  ids: string[],
  field = "groupTemplateIds",
): Promise<void> {
  if (ids.length === 0) return;
  const rows = await tx.activityGroupTemplate.findMany({
    where: { id: { in: [...new Set(ids)] }, ...usableIn(organizationId) },
    select: { id: true },
  });
  assertAllFound(ids, new Set(rows.map((r) => r.id)), "Activity-group template", field);
}

/** Replaces a group template's slots with `activityTemplateIds`, in order. */
export async function writeGroupItems(tx: Tx, groupTemplateId: string, activityTemplateIds: string[]): Promise<void> {
  await tx.activityGroupTemplateItem.deleteMany({ where: { groupTemplateId } });
  await tx.activityGroupTemplateItem.createMany({
    data: activityTemplateIds.map((activityTemplateId, position) => ({
      groupTemplateId,
      position,
      activityTemplateId,
    })),
  });
}

/** Replaces a campaign template's slots with `groupTemplateIds`, in order. */
export async function writeCampaignItems(
  tx: Tx,
  campaignTemplateId: string,
  groupTemplateIds: string[],
): Promise<void> {
  await tx.campaignTemplateItem.deleteMany({ where: { campaignTemplateId } });
  await tx.campaignTemplateItem.createMany({
    data: groupTemplateIds.map((groupTemplateId, position) => ({ campaignTemplateId, position, groupTemplateId })),
  });
}
