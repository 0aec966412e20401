/** Inputs and outputs of statistics: per assessment and per organization. Rates are shares in [0, 1]. */
import { z } from "zod";

const count = z.number().int().nonnegative();
const rate = z.number().min(0).max(1).nullable();

const outcomeCountsSchema = z
  .object({ prevented: count, blocked: count, alerted: count, logged: count, not_detected: count })
  .meta({ id: "OutcomeCounts" });

/** The same summary for the whole scope, a tactic, a technique or one cell of the matrix. */
export const outcomeSummarySchema = z
  .object({
    activities: count.describe("Live activities in the group"),
    observed: count.describe("Of those, not skipped and with a blue outcome recorded"),
    outcomes: outcomeCountsSchema,
    detected: count.describe("Observed activities that raised an alert (alerted, or stopped with an alert recorded)"),
    preventionRate: rate.describe("(prevented + blocked) / observed; null when nothing was observed"),
    detectionRate: rate.describe("detected / observed; null when nothing was observed"),
    score: z
      .number()
      .min(0)
      .max(100)
      .nullable()
      .describe("Mean outcome score 0-100 (prevented/blocked 100, alerted 60, logged 40, not detected 0)"),
    coverage: rate.describe("Evaluation results passed / expected over all five categories (n/a excluded)"),
  })
  .meta({ id: "OutcomeSummary" });

const categoryCoverageSchema = z
  .object({
    expected: count.describe("pass + fail: evaluated activities that expected this category"),
    pass: count,
    fail: count,
    na: count,
    score: rate.describe("pass / expected; null when nothing was expected"),
  })
  .meta({ id: "CategoryCoverage" });

const durationSchema = z
  .object({
    count: count.describe("Activities with both times (later one not before the earlier)"),
    meanSeconds: z.number().nonnegative().nullable(),
    medianSeconds: z.number().nonnegative().nullable(),
  })
  .meta({ id: "DurationStatistics" });

const tacticRefSchema = {
  tactic: z.string().nullable().describe("ATT&CK tactic shortname; null for activities without one"),
  tacticName: z.string().nullable().describe("Name from the ATT&CK data, when loaded"),
};

const techniqueRefSchema = {
  techniqueId: z.string().describe("ATT&CK technique id, e.g. T1003.001"),
  name: z.string().nullable().describe("Name from the ATT&CK data, when loaded"),
};

const techniqueSummarySchema = outcomeSummarySchema.extend(techniqueRefSchema).meta({ id: "TechniqueSummary" });

const statisticsShape = {
  generatedAt: z.iso.datetime(),
  activities: z.object({
    total: count,
    byStatus: z.object({ planned: count, waiting_red: count, waiting_blue: count, evaluated: count, skipped: count }),
  }),
  coverage: z
    .object({
      prevention: categoryCoverageSchema,
      detection: categoryCoverageSchema,
      logging: categoryCoverageSchema,
      notification: categoryCoverageSchema,
      severity: categoryCoverageSchema,
    })
    .describe("Evaluation results per category"),
  outcomes: outcomeSummarySchema.describe("Every activity in scope"),
  timeToDetect: durationSchema.describe("detectedAt - executedAt"),
  alertToNotification: durationSchema.describe("notifiedAt - detectedAt"),
  severityAccuracy: z
    .object({
      evaluated: count.describe("Evaluated activities with an expected severity"),
      exact: count.describe("alertSeverity equal to expectedSeverity"),
      atOrAbove: count.describe("alertSeverity at or above expectedSeverity"),
      exactRate: rate,
      atOrAboveRate: rate,
    })
    .meta({ id: "SeverityAccuracy" }),
  tactics: z
    .array(outcomeSummarySchema.extend(tacticRefSchema).meta({ id: "TacticSummary" }))
    .describe(
      "ATT&CK matrix order when the ATT&CK data is loaded, then alphabetical; activities without a tactic last",
    ),
  techniques: z.array(techniqueSummarySchema).describe("By technique id, across tactics"),
  matrix: z
    .array(
      z
        .object({ ...tacticRefSchema, techniques: z.array(techniqueSummarySchema) })
        .meta({ id: "TechniqueMatrixColumn" }),
    )
    .describe("Heatmap-ready: one column per tactic (same order as tactics), its techniques by id"),
};

const controlStatisticsSchema = z
  .object({
    controlId: z.uuid(),
    name: z.string(),
    kind: z.string(),
    activities: count.describe("Live, not skipped activities with an outcome for this control"),
    outcomes: outcomeCountsSchema,
    detected: count.describe("alerted, or prevented/blocked with a detection time or severity"),
    preventionRate: rate,
    detectionRate: rate,
    timeToDetect: durationSchema.describe("The control's detectedAt - red's executedAt (MTTD: meanSeconds)"),
  })
  .meta({ id: "ControlStatistics" });

export const assessmentStatisticsSchema = z
  .object({
    assessmentId: z.uuid(),
    ...statisticsShape,
    controls: z.array(controlStatisticsSchema).describe("Per defensive control, by name"),
  })
  .meta({ id: "AssessmentStatistics" });

export const organizationStatisticsSchema = z
  .object({
    organizationId: z.uuid(),
    from: z.iso.datetime().nullable().describe("Inclusive lower bound applied"),
    to: z.iso.datetime().nullable().describe("Exclusive upper bound applied"),
    assessments: z
      .array(
        outcomeSummarySchema
          .extend({ assessmentId: z.uuid(), name: z.string() })
          .meta({ id: "AssessmentOutcomeSummary" }),
      )
      .describe("Readable assessments with activities in range, by name"),
    ...statisticsShape,
  })
  .meta({ id: "OrganizationStatistics" });

export type OutcomeSummary = z.infer<typeof outcomeSummarySchema>;
export type AssessmentStatistics = z.infer<typeof assessmentStatisticsSchema>;
export type OrganizationStatistics = z.infer<typeof organizationStatisticsSchema>;

export const assessmentStatisticsInput = z.object({ assessmentId: z.uuid() });

/** A date-time with offset, or a plain date (midnight UTC). */
const instantInput = z.union([z.iso.date(), z.iso.datetime({ offset: true })], {
  error: "must be an ISO 8601 date (2026-03-01) or date-time (2026-03-01T09:00:00Z)",
});

export const organizationStatisticsInput = z
  .object({
    from: instantInput.optional().describe("Activities executed (or, not yet executed, created) at or after this"),
    to: instantInput.optional().describe("... and before this; a plain date includes that whole day (UTC)"),
  })
  .refine((v) => !v.from || !v.to || upperBound(v.to) > lowerBound(v.from), {
    error: "must be after from",
    path: ["to"],
  })
  .prefault({});

export type OrganizationStatisticsInput = z.infer<typeof organizationStatisticsInput>;

const PLAIN_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The instant `from` names. */
export function lowerBound(from: string): Date {
  return new Date(PLAIN_DATE.test(from) ? `${from}T00:00:00Z` : from);
}

/** The exclusive instant `to` names: a plain date's next midnight, a date-time itself. */
export function upperBound(to: string): Date {
  if (!PLAIN_DATE.test(to)) return new Date(to);
  const day = new Date(`${to}T00:00:00Z`);
  return new Date(day.getTime() + 86_400_000);
}
