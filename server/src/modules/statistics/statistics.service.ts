/**
 * Statistics of one assessment, or of every assessment of the organization the caller may
 * read: two aggregate statements (statistics-queries.ts) run side by side, shaped here.
 */

import type { OrgCtx } from "../../identity/contexts.js";
import { requireOrgPermission } from "../acl/access.js";
import { effectiveAssessmentRole } from "../acl/permissions.js";
import { EVALUATION_CATEGORIES } from "../activities/activities.schemas.js";
import { viaDriver } from "../activities/activity-rows.js";
import { requireAssessment } from "../assessments/assessments.service.js";
import { controlStatistics } from "./control-statistics.js";
import {
  type AssessmentStatistics,
  lowerBound,
  type OrganizationStatistics,
  type OrganizationStatisticsInput,
  type OutcomeSummary,
  upperBound,
} from "./statistics.schemas.js";
import {
  type CellRow,
  fetchOverview,
  fetchTechniqueCells,
  type OverviewRow,
  type StatisticsScope,
  type SummaryRow,
} from "./statistics-queries.js";

const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function summaryOf(row: SummaryRow): OutcomeSummary {
  const { prevented, blocked, alerted, logged, not_detected } = row;
  return {
    activities: row.activities,
    observed: row.observed,
    outcomes: { prevented, blocked, alerted, logged, not_detected },
    detected: row.detected,
    preventionRate: share(prevented + blocked, row.observed),
    detectionRate: share(row.detected, row.observed),
    score: row.score,
    coverage: share(row.passes, row.passes + row.fails),
  };
}

function coverageOf(total: OverviewRow) {
  const entries = EVALUATION_CATEGORIES.map((category) => {
    const [pass, fail, na] = (["pass", "fail", "na"] as const).map((r) => Number(total[`${category}_${r}`] ?? 0)) as [
      number,
      number,
      number,
    ];
    return [category, { expected: pass + fail, pass, fail, na, score: share(pass, pass + fail) }] as const;
  });
  return Object.fromEntries(entries) as AssessmentStatistics["coverage"];
}

function techniqueOf(row: CellRow) {
  return { techniqueId: row.technique, name: row.technique_name, ...summaryOf(row) };
}

/** The shape shared by both scopes, from the rows of the two statements. */
function assemble(overview: OverviewRow[], cells: CellRow[]) {
  const total = overview.find((r) => r.level === "total");
  if (!total) throw new Error("the overview statement returned no total row");
  const matrix: AssessmentStatistics["matrix"] = [];
  for (const row of cells.filter((r) => r.grouping === 0)) {
    let column = matrix.at(-1);
    if (!column || column.tactic !== row.tactic) {
      column = { tactic: row.tactic, tacticName: row.tactic_name, techniques: [] };
      matrix.push(column);
    }
    column.techniques.push(techniqueOf(row));
  }
  return {
    activities: {
      total: total.activities,
      byStatus: {
        planned: total.planned,
        waiting_red: total.waiting_red,
        waiting_blue: total.waiting_blue,
        evaluated: total.evaluated,
        skipped: total.skipped,
      },
    },
    coverage: coverageOf(total),
    outcomes: summaryOf(total),
    timeToDetect: { count: total.ttd_count, meanSeconds: total.ttd_mean, medianSeconds: total.ttd_median },
    alertToNotification: { count: total.ttn_count, meanSeconds: total.ttn_mean, medianSeconds: total.ttn_median },
    severityAccuracy: {
      evaluated: total.severity_evaluated,
      exact: total.severity_exact,
      atOrAbove: total.severity_at_or_above,
      exactRate: share(total.severity_exact, total.severity_evaluated),
      atOrAboveRate: share(total.severity_at_or_above, total.severity_evaluated),
    },
    tactics: overview
      .filter((r) => r.level === "tactic")
      .map((r) => ({ tactic: r.tactic, tacticName: r.tactic_name, ...summaryOf(r) })),
    techniques: cells.filter((r) => r.grouping === 1).map(techniqueOf),
    matrix,
  };
}

async function compute(ctx: OrgCtx, scope: StatisticsScope) {
  const run = viaDriver(ctx.db);
  const [overview, cells] = await Promise.all([fetchOverview(run, scope), fetchTechniqueCells(run, scope)]);
  return { overview, statistics: assemble(overview, cells) };
}

/** Statistics of one assessment (anyone on it). */
export async function assessmentStatistics(
  ctx: OrgCtx,
  input: { assessmentId: string },
): Promise<AssessmentStatistics> {
  await requireAssessment(ctx, input.assessmentId, "read:assessment", "assessmentId");
  const [{ statistics }, controls] = await Promise.all([
    compute(ctx, { kind: "assessment", organizationId: ctx.org.id, assessmentId: input.assessmentId }),
    controlStatistics(viaDriver(ctx.db), ctx.org.id, input.assessmentId),
  ]);
  return { assessmentId: input.assessmentId, generatedAt: ctx.clock.now().toISOString(), ...statistics, controls };
}

/** Statistics over the organization's assessments the caller may read, optionally within a time range. */
export async function organizationStatistics(
  ctx: OrgCtx,
  input: OrganizationStatisticsInput,
): Promise<OrganizationStatistics> {
  requireOrgPermission(ctx.org, "read:organization");
  const from = input.from ? lowerBound(input.from) : null;
  const to = input.to ? upperBound(input.to) : null;
  // Owners and admins lead every assessment; members read those their ACL names (every ACL role reads).
  const aclUserId = effectiveAssessmentRole(ctx.org.role, null) === null ? ctx.user.id : null;
  const { overview, statistics } = await compute(ctx, {
    kind: "organization",
    organizationId: ctx.org.id,
    aclUserId,
    from,
    to,
  });
  const assessments = overview
    .filter((r) => r.level === "assessment" && r.assessmentId)
    .map((r) => ({ assessmentId: r.assessmentId as string, name: r.assessment_name ?? "", ...summaryOf(r) }));
  return {
    organizationId: ctx.org.id,
    from: from?.toISOString() ?? null,
    to: to?.toISOString() ?? null,
    generatedAt: ctx.clock.now().toISOString(),
    assessments,
    ...statistics,
  };
}
