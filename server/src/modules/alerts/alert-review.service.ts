/**
 * Reading alerts and deciding their matches: blue (or the lead) links a suggested match,
 * which fills the control's outcome like auto mode does, or unlinks one, which restores the
 * control's values from before the match (a suggestion unlinked is rejected). Audited.
 */
import { originOf } from "../../context.js";
import type { Prisma } from "../../generated/prisma/client.js";
import type { OrgCtx } from "../../identity/contexts.js";
import { AppError, notFound } from "../../lib/app-error.js";
import { isUuid } from "../../lib/ids.js";
import { pageWindow, toPage } from "../../lib/pagination.js";
import { leadsEveryAssessment, requireAssessmentPermission } from "../acl/access.js";
import { recordAudit } from "../audit/audit.js";
import { applyAlert, restoreBefore } from "./alert-apply.js";
import type { Alert, AlertMatch, ListAlertsInput } from "./alerts.schemas.js";

const WITH_MATCHES = {
  control: { select: { name: true } },
  matches: { orderBy: [{ score: "desc" as const }, { id: "asc" as const }] },
} satisfies Prisma.AlertInclude;

type AlertRow = Prisma.AlertGetPayload<{ include: typeof WITH_MATCHES }>;
type MatchRow = AlertRow["matches"][number];

function toMatch(row: MatchRow): AlertMatch {
  return {
    id: row.id,
    alertId: row.alertId,
    activityId: row.activityId,
    assessmentId: row.assessmentId,
    score: row.score,
    reasons: row.reasons,
    status: row.status,
    decidedById: row.decidedById,
    decidedAt: row.decidedAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

function toAlert(row: AlertRow, visible: (m: MatchRow) => boolean): Alert {
  return {
    id: row.id,
    organizationId: row.organizationId,
    format: row.format as Alert["format"],
    externalId: row.externalId,
    controlId: row.controlId,
    controlName: row.control.name,
    occurredAt: row.occurredAt.toISOString(),
    host: row.host,
    techniques: row.techniques,
    ruleName: row.ruleName,
    severity: row.severity,
    title: row.title,
    action: row.action,
    receivedAt: row.receivedAt.toISOString(),
    matches: row.matches.filter(visible).map(toMatch),
  };
}

/** The assessments among `ids` the caller may read. */
async function readableAssessments(ctx: OrgCtx, ids: string[]): Promise<Set<string>> {
  const readable = new Set<string>();
  for (const id of new Set(ids)) {
    const ok = await requireAssessmentPermission(ctx, id, "read:assessment").then(
      () => true,
      () => false,
    );
    if (ok) readable.add(id);
  }
  return readable;
}

/**
 * Alerts of the organization, newest first: those matched to an assessment (or activity) the
 * caller reads, or, for owners and admins, all of them.
 */
export async function listAlerts(ctx: OrgCtx, input: ListAlertsInput) {
  const where: Prisma.AlertWhereInput = { organizationId: ctx.org.id };
  const matchWhere: Prisma.AlertMatchWhereInput = {};
  if (input.activityId) {
    const activity = isUuid(input.activityId)
      ? await ctx.db.prisma.activity.findFirst({
          where: { id: input.activityId, organizationId: ctx.org.id, deletedAt: null },
          select: { assessmentId: true },
        })
      : null;
    if (!activity) throw notFound("Activity", "activityId");
    await requireAssessmentPermission(ctx, activity.assessmentId, "read:assessment");
    matchWhere.activityId = input.activityId;
  }
  if (input.assessmentId) {
    await requireAssessmentPermission(ctx, input.assessmentId, "read:assessment");
    matchWhere.assessmentId = input.assessmentId;
  }
  if (!input.activityId && !input.assessmentId && !leadsEveryAssessment(ctx.org)) {
    throw new AppError("FORBIDDEN", "Name an assessmentId or activityId; only owners and admins list every alert");
  }
  if (input.status) matchWhere.status = input.status;
  if (Object.keys(matchWhere).length > 0) where.matches = { some: matchWhere };
  const { prisma } = ctx.db;
  const [total, rows] = await prisma.$transaction([
    prisma.alert.count({ where }),
    prisma.alert.findMany({
      where,
      include: WITH_MATCHES,
      orderBy: [{ receivedAt: "desc" }, { id: "desc" }],
      ...pageWindow(input),
    }),
  ]);
  const readable = leadsEveryAssessment(ctx.org)
    ? null
    : await readableAssessments(
        ctx,
        rows.flatMap((r) => r.matches.map((m) => m.assessmentId)),
      );
  const visible = (m: MatchRow) => readable === null || readable.has(m.assessmentId);
  return toPage(
    rows.map((row) => toAlert(row, visible)),
    total,
    input.page,
    input.pageSize,
  );
}

/** One alert: owners and admins see any; others one matched to an assessment they read. */
export async function getAlert(ctx: OrgCtx, id: string): Promise<Alert> {
  const row = isUuid(id)
    ? await ctx.db.prisma.alert.findFirst({ where: { id, organizationId: ctx.org.id }, include: WITH_MATCHES })
    : null;
  if (!row) throw notFound("Alert");
  if (leadsEveryAssessment(ctx.org)) return toAlert(row, () => true);
  const readable = await readableAssessments(
    ctx,
    row.matches.map((m) => m.assessmentId),
  );
  if (readable.size === 0) throw notFound("Alert");
  return toAlert(row, (m) => readable.has(m.assessmentId));
}

/** The match `matchId` once the caller may write blue fields of its assessment. */
async function matchForBlue(ctx: OrgCtx, matchId: string) {
  const match = await ctx.db.prisma.alertMatch.findFirst({
    where: { id: matchId, organizationId: ctx.org.id },
    include: { alert: true },
  });
  if (!match) throw notFound("Alert match", "matchId");
  await requireAssessmentPermission(ctx, match.assessmentId, "read:assessment").catch((error: unknown) => {
    throw error instanceof AppError && error.code === "NOT_FOUND" ? notFound("Alert match", "matchId") : error;
  });
  await requireAssessmentPermission(ctx, match.assessmentId, "write:blue-fields");
  return match;
}

/** Accepts a match: the alert fills its control's outcome on the activity. */
export async function linkMatch(ctx: OrgCtx, matchId: string): Promise<Alert> {
  const match = await matchForBlue(ctx, matchId);
  if (match.status === "applied" || match.status === "linked") {
    throw new AppError("CONFLICT", "This match is already linked", "matchId");
  }
  await ctx.db.prisma.$transaction(async (tx) => {
    const previous = await applyAlert(tx, ctx, match.activityId, match.alert);
    await tx.alertMatch.update({
      where: { id: match.id },
      data: {
        status: "linked",
        previous: previous ?? ({ none: true } as Prisma.InputJsonValue),
        decidedById: ctx.user.id,
        decidedAt: ctx.clock.now(),
      },
    });
    await recordAudit(tx, originOf(ctx), {
      type: "alert.match.linked",
      actorId: ctx.user.id,
      targetType: "activity",
      targetId: match.activityId,
      metadata: { organizationId: ctx.org.id, alertId: match.alertId, matchId: match.id },
    });
  });
  return getAlert(ctx, match.alertId);
}

/** Undoes a match: a linked or applied one restores the control's previous values; a suggestion is rejected. */
export async function unlinkMatch(ctx: OrgCtx, matchId: string): Promise<Alert> {
  const match = await matchForBlue(ctx, matchId);
  if (match.status === "rejected" || match.status === "unlinked") {
    throw new AppError("CONFLICT", "This match is not linked", "matchId");
  }
  const wasApplied = match.status === "applied" || match.status === "linked";
  await ctx.db.prisma.$transaction(async (tx) => {
    if (wasApplied) {
      const previous = match.previous as { none?: boolean } | null;
      await restoreBefore(tx, ctx, match.activityId, match.alert.controlId, previous?.none ? null : previous);
    }
    await tx.alertMatch.update({
      where: { id: match.id },
      data: { status: wasApplied ? "unlinked" : "rejected", decidedById: ctx.user.id, decidedAt: ctx.clock.now() },
    });
    await recordAudit(tx, originOf(ctx), {
      type: wasApplied ? "alert.match.unlinked" : "alert.match.rejected",
      actorId: ctx.user.id,
      targetType: "activity",
      targetId: match.activityId,
      metadata: { organizationId: ctx.org.id, alertId: match.alertId, matchId: match.id },
    });
  });
  return getAlert(ctx, match.alertId);
}
