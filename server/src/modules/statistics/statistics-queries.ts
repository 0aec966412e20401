/**
 * The two statements behind every statistics call, aggregated by PostgreSQL (GROUP BY
 * GROUPING SETS, FILTER, unnest of techniques) so the cost does not grow with JavaScript
 * loops over rows:
 *   overview   one row for the whole scope, one per tactic and one per assessment: counts by
 *              status, evaluation results per category, outcome summary, timings, severity;
 *   cells      one row per (tactic, technique) and one per technique: the outcome summary.
 * Both start from the same per-activity CTE, where the rules of evaluation.ts that the
 * statistics need (what "detected" means) are written once in SQL.
 */
import { Prisma } from "../../generated/prisma/client.js";
import { EVALUATION_CATEGORIES, type Outcome } from "../activities/activities.schemas.js";
import type { SqlRunner } from "../activities/activity-rows.js";
import { OUTCOME_SCORE } from "./outcome-scale.js";

/** Which live activities count: one assessment, or the readable assessments of an organization in a time range. */
export type StatisticsScope =
  | {
      kind: "assessment";
      organizationId: string;
      assessmentId: string;
      /** Read this control's outcome, detection time and severity instead of the activity's own. */
      controlId?: string | undefined;
    }
  | {
      kind: "organization";
      organizationId: string;
      /** Members see the assessments their ACL names; null for owners and admins (all of them). */
      aclUserId: string | null;
      from: Date | null;
      to: Date | null;
    };

const sql = Prisma.sql;
const OUTCOMES = Object.keys(OUTCOME_SCORE) as Outcome[];

function whereOf(scope: StatisticsScope): Prisma.Sql {
  const conditions = [sql`a."organizationId" = ${scope.organizationId}::uuid`, sql`a."deletedAt" IS NULL`];
  if (scope.kind === "assessment") {
    conditions.push(sql`a."assessmentId" = ${scope.assessmentId}::uuid`);
    return Prisma.join(conditions, " AND ");
  }
  const acl = scope.aclUserId
    ? sql`AND EXISTS (SELECT 1 FROM assessment_acl l WHERE l."assessmentId" = s.id AND l."userId" = ${scope.aclUserId}::uuid)`
    : Prisma.empty;
  conditions.push(sql`a."assessmentId" IN (
    SELECT s.id FROM assessments s WHERE s."organizationId" = ${scope.organizationId}::uuid AND s."deletedAt" IS NULL ${acl})`);
  // Executed activities count when they ran; the others (planned) when they were created.
  if (scope.from)
    conditions.push(sql`COALESCE(a."executedAt", a."createdAt") >= ${scope.from.toISOString()}::timestamptz`);
  if (scope.to) conditions.push(sql`COALESCE(a."executedAt", a."createdAt") < ${scope.to.toISOString()}::timestamptz`);
  return Prisma.join(conditions, " AND ");
}

const resultColumn = (category: string) => Prisma.raw(`a."${category}Result"::text`);
const sumOf = (value: "pass" | "fail") =>
  Prisma.join(
    EVALUATION_CATEGORIES.map((c) => sql`(${resultColumn(c)} IS NOT DISTINCT FROM ${value})::int`),
    " + ",
  );

/** One row per live activity in scope, with the facts every aggregate below reads. */
function scopedCte(scope: StatisticsScope): Prisma.Sql {
  const scoreCase = Prisma.join(
    OUTCOMES.map((o) => sql`WHEN ${o} THEN ${OUTCOME_SCORE[o]}::int`),
    " ",
  );
  return sql`WITH scoped AS (
    SELECT 1 AS n, a."assessmentId", a.tactic, a.techniques, a.status::text AS status, a.outcome::text AS outcome,
      ${Prisma.join(
        EVALUATION_CATEGORIES.map((c) => sql`${resultColumn(c)} AS ${Prisma.raw(`"${c}"`)}`),
        ", ",
      )},
      (a.outcome IS NOT NULL AND a.status <> 'skipped') AS observed,
      -- evaluation.ts: an alert fired, or the action was stopped AND blue recorded the alert.
      (a.outcome = 'alerted' OR (a.outcome IN ('prevented', 'blocked') AND a."alertSeverity" IS NOT NULL)) AS detected,
      CASE a.outcome::text ${scoreCase} END AS outcome_score,
      ${sumOf("pass")} AS passes,
      ${sumOf("fail")} AS fails,
      -- date_part gives float8 (EXTRACT gives numeric, several times slower to aggregate).
      CASE WHEN a.status <> 'skipped' AND a."detectedAt" >= a."executedAt"
        THEN date_part('epoch', a."detectedAt" - a."executedAt") END AS ttd,
      CASE WHEN a.status <> 'skipped' AND a."notifiedAt" >= a."detectedAt"
        THEN date_part('epoch', a."notifiedAt" - a."detectedAt") END AS ttn,
      (a.status = 'evaluated' AND a."expectedSeverity" IS NOT NULL) AS severity_expected,
      COALESCE(a."alertSeverity" = a."expectedSeverity", false) AS severity_exact,
      -- Enum order is declaration order: info < low < medium < high < critical.
      COALESCE(a."alertSeverity" >= a."expectedSeverity", false) AS severity_at_or_above
    FROM ${sourceOf(scope)} a
    WHERE ${whereOf(scope)}
  )`;
}

/** The activities, or, for one control, the activities with that control's outcome in place of their own. */
function sourceOf(scope: StatisticsScope): Prisma.Sql {
  if (scope.kind !== "assessment" || !scope.controlId) return sql`activities`;
  const kept = [
    "id",
    "organizationId",
    "assessmentId",
    "deletedAt",
    "createdAt",
    "tactic",
    "techniques",
    "status",
    "executedAt",
    "notifiedAt",
    "expectedSeverity",
    ...EVALUATION_CATEGORIES.map((c) => `${c}Result`),
  ];
  return sql`(SELECT ${Prisma.raw(kept.map((c) => `x."${c}"`).join(", "))},
      co.outcome, co."detectedAt", co."alertSeverity"
    FROM activities x
    LEFT JOIN activity_control_outcomes co ON co."activityId" = x.id AND co."controlId" = ${scope.controlId}::uuid)`;
}

// Weighted by s.n: the overview reads one row per activity (n = 1); the cells read activities
// first grouped by identical facts, so fewer rows go through unnest (measured: a fifth faster).
const SUMMARY = sql`
  COALESCE(sum(s.n), 0)::int AS activities,
  COALESCE(sum(s.n) FILTER (WHERE s.observed), 0)::int AS observed,
  ${Prisma.join(
    OUTCOMES.map(
      (o) => sql`COALESCE(sum(s.n) FILTER (WHERE s.observed AND s.outcome = ${o}), 0)::int AS ${Prisma.raw(`"${o}"`)}`,
    ),
    ", ",
  )},
  COALESCE(sum(s.n) FILTER (WHERE s.observed AND s.detected), 0)::int AS detected,
  (sum(s.outcome_score * s.n) FILTER (WHERE s.observed))::float8
    / NULLIF(sum(s.n) FILTER (WHERE s.observed), 0) AS score,
  COALESCE(sum(s.passes * s.n), 0)::int AS passes,
  COALESCE(sum(s.fails * s.n), 0)::int AS fails`;

export interface SummaryRow {
  activities: number;
  observed: number;
  prevented: number;
  blocked: number;
  alerted: number;
  logged: number;
  not_detected: number;
  detected: number;
  score: number | null;
  passes: number;
  fails: number;
}

export type OverviewRow = SummaryRow & {
  level: "total" | "tactic" | "assessment";
  tactic: string | null;
  tactic_name: string | null;
  assessmentId: string | null;
  assessment_name: string | null;
  planned: number;
  waiting_red: number;
  waiting_blue: number;
  evaluated: number;
  skipped: number;
  ttd_count: number;
  ttd_mean: number | null;
  ttd_median: number | null;
  ttn_count: number;
  ttn_mean: number | null;
  ttn_median: number | null;
  severity_evaluated: number;
  severity_exact: number;
  severity_at_or_above: number;
} & Record<string, unknown>;

const STATUSES = ["planned", "waiting_red", "waiting_blue", "evaluated", "skipped"] as const;

const duration = (column: "ttd" | "ttn") => sql`
  count(s.${Prisma.raw(column)})::int AS ${Prisma.raw(`${column}_count`)},
  avg(s.${Prisma.raw(column)})::float8 AS ${Prisma.raw(`${column}_mean`)},
  (percentile_cont(0.5) WITHIN GROUP (ORDER BY s.${Prisma.raw(column)}))::float8 AS ${Prisma.raw(`${column}_median`)}`;

/** The whole scope, each tactic (ATT&CK order, then alphabetical) and (organization) each assessment, in one statement. */
export function fetchOverview(run: SqlRunner, scope: StatisticsScope): Promise<OverviewRow[]> {
  const statusColumns = Prisma.join(
    STATUSES.map((st) => sql`count(*) FILTER (WHERE s.status = ${st})::int AS ${Prisma.raw(`"${st}"`)}`),
    ", ",
  );
  const categoryColumns = Prisma.join(
    EVALUATION_CATEGORIES.flatMap((c) =>
      (["pass", "fail", "na"] as const).map(
        (r) => sql`count(*) FILTER (WHERE s.${Prisma.raw(`"${c}"`)} = ${r})::int AS ${Prisma.raw(`"${c}_${r}"`)}`,
      ),
    ),
    ", ",
  );
  // One assessment needs no per-assessment rows: each grouping set costs a pass over the rows.
  const [level, sets] =
    scope.kind === "assessment"
      ? [sql`CASE GROUPING(s.tactic) WHEN 1 THEN 'total' ELSE 'tactic' END`, sql`(), (s.tactic)`]
      : [
          sql`CASE GROUPING(s.tactic, s."assessmentId") WHEN 3 THEN 'total' WHEN 1 THEN 'tactic' ELSE 'assessment' END`,
          sql`(), (s.tactic), (s."assessmentId")`,
        ];
  return run<OverviewRow>(sql`
    ${scopedCte(scope)}
    SELECT q.*, tac.name AS tactic_name, asm.name AS assessment_name
    FROM (
      SELECT ${level} AS level, s.tactic, ${scope.kind === "assessment" ? sql`NULL::uuid` : sql`s."assessmentId"`} AS "assessmentId",
        ${SUMMARY}, ${statusColumns}, ${categoryColumns},
        ${duration("ttd")}, ${duration("ttn")},
        count(*) FILTER (WHERE s.severity_expected)::int AS severity_evaluated,
        count(*) FILTER (WHERE s.severity_expected AND s.severity_exact)::int AS severity_exact,
        count(*) FILTER (WHERE s.severity_expected AND s.severity_at_or_above)::int AS severity_at_or_above
      FROM scoped s
      GROUP BY GROUPING SETS (${sets})
    ) q
    LEFT JOIN attack_tactics tac ON q.level = 'tactic' AND tac.shortname = q.tactic
    LEFT JOIN assessments asm ON q.level = 'assessment' AND asm.id = q."assessmentId"
    ORDER BY q.level DESC, tac."matrixOrder" NULLS LAST, q.tactic NULLS LAST, asm.name, q."assessmentId"`);
}

export type CellRow = SummaryRow & {
  /** 0: one (tactic, technique) cell; 1: one technique across tactics. */
  grouping: number;
  tactic: string | null;
  tactic_name: string | null;
  technique: string;
  technique_name: string | null;
};

/** Every (tactic, technique) cell in matrix order, and every technique across tactics, in one statement. */
export function fetchTechniqueCells(run: SqlRunner, scope: StatisticsScope): Promise<CellRow[]> {
  return run<CellRow>(sql`
    ${scopedCte(scope)}
    SELECT q.*, tech.name AS technique_name, tac.name AS tactic_name
    FROM (
      SELECT GROUPING(s.tactic)::int AS grouping, s.tactic, t.technique, ${SUMMARY}
      FROM (
        SELECT tactic, techniques, observed, outcome, detected, outcome_score, passes, fails, count(*)::int AS n
        FROM scoped GROUP BY tactic, techniques, observed, outcome, detected, outcome_score, passes, fails
      ) s CROSS JOIN LATERAL unnest(s.techniques) AS t(technique)
      GROUP BY GROUPING SETS ((s.tactic, t.technique), (t.technique))
    ) q
    LEFT JOIN attack_techniques tech ON tech."attackId" = q.technique
    LEFT JOIN attack_tactics tac ON q.grouping = 0 AND tac.shortname = q.tactic
    ORDER BY q.grouping DESC, tac."matrixOrder" NULLS LAST, q.tactic NULLS LAST, q.technique`);
}
