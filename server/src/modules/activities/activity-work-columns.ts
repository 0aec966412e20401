/**
 * An activity's content and the work recorded on it (red, blue, evaluation), read by raw SQL:
 * the columns and their API shapes, shared by the activity reads (activity-rows.ts) and the
 * assessment export, so the two cannot drift apart.
 */
import { Prisma } from "../../generated/prisma/client.js";
import type { Activity, ActivityStatus, EvaluationResult, Outcome, Severity } from "./activities.schemas.js";

/** The columns ACTIVITY_WORK_COLUMNS reads: an activity's content and the work done on it. */
export interface ActivityWorkRow {
  title: string;
  description: string;
  tactic: string | null;
  techniques: string[] | null;
  knowledgeBaseArticleIds: string[] | null;
  status: ActivityStatus;
  command: string | null;
  executedAt: Date | string | null;
  executedBy: string | null;
  executedByUserId: string | null;
  source: string | null;
  target: string | null;
  expectLogged: boolean;
  expectPrevented: boolean;
  expectAlerted: boolean;
  expectNotified: boolean;
  expectedSeverity: Severity | null;
  outcome: Outcome | null;
  detectedAt: Date | string | null;
  detectionSource: string | null;
  alertSeverity: Severity | null;
  notifiedAt: Date | string | null;
  blueNotes: string;
  outcomeByHand: boolean;
  controlOutcomes: unknown;
  preventionResult: EvaluationResult | null;
  detectionResult: EvaluationResult | null;
  loggingResult: EvaluationResult | null;
  notificationResult: EvaluationResult | null;
  severityResult: EvaluationResult | null;
  evaluationOverrides: unknown;
  evaluatedAt: Date | string | null;
  evaluatedById: string | null;
}

/**
 * An activity's content, red, blue and evaluation columns (ActivityWorkRow) of the activity
 * aliased `a`: shared by activity-rows.ts and the assessment export. Enums are cast to text so
 * both drivers hand back plain strings.
 */
export const ACTIVITY_WORK_COLUMNS = Prisma.sql`a.title, a.description,
    a.tactic, a.techniques, a."knowledgeBaseArticleIds", a.status::text AS status,
    a.command, a."executedAt", a."executedBy", a."executedByUserId", a.source, a.target,
    a."expectLogged", a."expectPrevented", a."expectAlerted", a."expectNotified",
    a."expectedSeverity"::text AS "expectedSeverity",
    a.outcome::text AS outcome, a."detectedAt", a."detectionSource", a."alertSeverity"::text AS "alertSeverity",
    a."notifiedAt", a."blueNotes", a."outcomeByHand",
    COALESCE((
      SELECT json_agg(json_build_object('controlId', o."controlId", 'controlName', c.name, 'controlKind', c.kind::text,
          'outcome', o.outcome::text, 'detectedAt', o."detectedAt", 'alertSeverity', o."alertSeverity"::text,
          'ruleName', o."ruleName", 'notes', o.notes) ORDER BY c.name, c.id)
      FROM activity_control_outcomes o JOIN defensive_controls c ON c.id = o."controlId" WHERE o."activityId" = a.id
    ), '[]'::json) AS "controlOutcomes",
    a."preventionResult"::text AS "preventionResult", a."detectionResult"::text AS "detectionResult",
    a."loggingResult"::text AS "loggingResult", a."notificationResult"::text AS "notificationResult",
    a."severityResult"::text AS "severityResult", a."evaluationOverrides", a."evaluatedAt", a."evaluatedById"`;

/** A timestamp column as ISO 8601 (a driver hands back a Date or a string). */
export const isoOf = (value: Date | string | null): string | null =>
  value === null ? null : new Date(value).toISOString();

/** A json column's value (a string where the driver leaves it unparsed). */
export function parsed<T>(value: unknown): T {
  return (typeof value === "string" ? JSON.parse(value) : value) as T;
}

/** What the red team expects the defenders to see. */
export function expectationsOf(row: ActivityWorkRow): Activity["red"]["expectations"] {
  return {
    logged: row.expectLogged,
    prevented: row.expectPrevented,
    alerted: row.expectAlerted,
    notified: row.expectNotified,
    expectedSeverity: row.expectedSeverity,
  };
}

interface ControlOutcomeRow extends Omit<Activity["blue"]["controlOutcomes"][number], "detectedAt"> {
  detectedAt: string | null;
}

/** What the blue team recorded. */
export function blueOf(row: ActivityWorkRow): Activity["blue"] {
  return {
    outcome: row.outcome,
    detectedAt: isoOf(row.detectedAt),
    detectionSource: row.detectionSource,
    alertSeverity: row.alertSeverity,
    notifiedAt: isoOf(row.notifiedAt),
    notes: row.blueNotes,
    outcomeSetByHand: row.outcomeByHand,
    controlOutcomes: parsed<ControlOutcomeRow[]>(row.controlOutcomes).map((o) => ({
      ...o,
      detectedAt: isoOf(o.detectedAt),
    })),
  };
}

/** The evaluation's result per category. */
export function evaluationResultsOf(row: ActivityWorkRow): Activity["evaluation"]["results"] {
  return {
    prevention: row.preventionResult,
    detection: row.detectionResult,
    logging: row.loggingResult,
    notification: row.notificationResult,
    severity: row.severityResult,
  };
}
