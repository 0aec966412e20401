/** Inputs and outputs of assessments. Dates travel as ISO 8601 strings. */
import { z } from "zod";
import { pageInput, pageOf, queryBoolean } from "../../lib/pagination.js";
import { tagRefSchema } from "../tags/tags.schemas.js";

export const assessmentStatusSchema = z
  .enum(["planned", "in_progress", "completed", "archived"])
  .meta({ id: "AssessmentStatus" });

export const alertMatchingSchema = z
  .enum(["auto", "suggest", "off"])
  .meta({ id: "AlertMatching" })
  .describe(
    "How ingested alerts fill this assessment: auto fills control outcomes, suggest (default) waits for blue to link, off ignores them",
  );

export const assessmentRoleSchema = z.enum(["lead", "red", "blue", "spectator"]).meta({ id: "AssessmentRole" });

export const assessmentSchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    name: z.string(),
    description: z.string(),
    status: assessmentStatusSchema,
    startDate: z.iso.datetime().nullable(),
    endDate: z.iso.datetime().nullable(),
    ownerId: z.uuid().nullable(),
    alertMatching: alertMatchingSchema,
    role: assessmentRoleSchema.describe("The caller's role on this assessment"),
    tags: z.array(tagRefSchema),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    deletedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: "Assessment" });

const count = z.number().int().nonnegative();

export const assessmentDetailSchema = assessmentSchema
  .extend({
    activityCounts: z
      .object({
        total: count,
        planned: count,
        waiting_red: count,
        waiting_blue: count,
        evaluated: count,
        skipped: count,
      })
      .describe("Live activities by workflow status"),
    groupCount: count,
  })
  .meta({ id: "AssessmentDetail" });

export const assessmentPageSchema = pageOf(assessmentSchema, "AssessmentPage");

/** A date-time with offset, e.g. 2026-03-01T09:00:00Z. */
export const dateTimeInput = z.iso.datetime({ offset: true, error: "must be an ISO 8601 date-time" });

/** An assessment's start or end: a date-time, or a plain date (midnight UTC). */
const dayInput = z.union([z.iso.date(), dateTimeInput], {
  error: "must be an ISO 8601 date (2026-03-01) or date-time (2026-03-01T09:00:00Z)",
});

const nameSchema = z.string().trim().min(1).max(200);
const descriptionSchema = z.string().trim().max(20_000);
const tagIdsSchema = z.array(z.uuid()).max(50).describe("Tags of the organization");

function endNotBeforeStart(value: { startDate?: string | null | undefined; endDate?: string | null | undefined }) {
  return !value.startDate || !value.endDate || new Date(value.endDate) >= new Date(value.startDate);
}
const endBeforeStart = { error: "must not be before startDate", path: ["endDate"] };

export const createAssessmentInput = z
  .object({
    name: nameSchema,
    description: descriptionSchema.default(""),
    status: assessmentStatusSchema.default("planned"),
    startDate: dayInput.nullable().optional(),
    endDate: dayInput.nullable().optional(),
    tagIds: tagIdsSchema.default([]),
  })
  .refine(endNotBeforeStart, endBeforeStart);

export const updateAssessmentInput = z
  .object({
    id: z.uuid(),
    name: nameSchema.optional(),
    description: descriptionSchema.optional(),
    status: assessmentStatusSchema.optional(),
    startDate: dayInput.nullable().optional(),
    endDate: dayInput.nullable().optional(),
    tagIds: tagIdsSchema.optional().describe("Replaces the assessment's tags"),
    alertMatching: alertMatchingSchema.optional(),
  })
  .refine(endNotBeforeStart, endBeforeStart);

export const assessmentIdInput = z.object({ id: z.uuid() });

export const cloneAssessmentInput = z.object({
  id: z.uuid(),
  name: nameSchema.optional().describe("Defaults to the source's name with (copy)"),
  withResults: z
    .boolean()
    .default(false)
    .describe("Also copy red execution details, blue outcomes, evaluations and workflow status"),
});

export const listAssessmentsInput = pageInput
  .extend({
    status: assessmentStatusSchema.optional(),
    startDate: dayInput
      .optional()
      .describe("With endDate, a range: only dated assessments overlapping it (no endDate = still running)"),
    endDate: dayInput.optional(),
    tagId: z.uuid().optional(),
    q: z.string().trim().max(200).optional().describe("Case-insensitive search in name and description"),
    sort: z.enum(["createdAt", "name", "startDate"]).default("createdAt"),
    order: z.enum(["asc", "desc"]).default("desc"),
    deleted: queryBoolean.default(false).describe("List deleted assessments (restorable) instead of live ones"),
  })
  .prefault({});

export type Assessment = z.infer<typeof assessmentSchema>;
export type AssessmentDetail = z.infer<typeof assessmentDetailSchema>;
export type CreateAssessmentInput = z.infer<typeof createAssessmentInput>;
export type UpdateAssessmentInput = z.infer<typeof updateAssessmentInput>;
export type CloneAssessmentInput = z.infer<typeof cloneAssessmentInput>;
export type ListAssessmentsInput = z.infer<typeof listAssessmentsInput>;
