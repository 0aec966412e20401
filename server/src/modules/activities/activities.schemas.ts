/** Inputs and outputs of activities, their red/blue workflow and evaluation. Dates are ISO strings. */
import { z } from "zod";
import { pageInput, pageOf } from "../../lib/pagination.js";
import { dateTimeInput } from "../assessments/assessments.schemas.js";
import { assetRefSchema } from "../assets/assets.schemas.js";
import { tagRefSchema } from "../tags/tags.schemas.js";

export const ACTIVITY_STATUSES = ["planned", "waiting_red", "waiting_blue", "evaluated", "skipped"] as const;
export const activityStatusSchema = z.enum(ACTIVITY_STATUSES).meta({ id: "ActivityStatus" });
export const severitySchema = z.enum(["info", "low", "medium", "high", "critical"]).meta({ id: "Severity" });
export const outcomeSchema = z
  .enum(["prevented", "blocked", "alerted", "logged", "not_detected"])
  .meta({ id: "ActivityOutcome" });
export const controlOutcomeSchema = z
  .object({
    controlId: z.uuid(),
    controlName: z.string(),
    controlKind: z.string(),
    outcome: outcomeSchema,
    detectedAt: z.iso.datetime().nullable(),
    alertSeverity: severitySchema.nullable(),
    ruleName: z.string().nullable(),
    notes: z.string(),
  })
  .meta({ id: "ControlOutcome" });
export type ControlOutcome = z.infer<typeof controlOutcomeSchema>;
export const evaluationResultSchema = z.enum(["pass", "fail", "na"]).meta({ id: "EvaluationResult" });
export const EVALUATION_CATEGORIES = ["prevention", "detection", "logging", "notification", "severity"] as const;
export const evaluationCategorySchema = z.enum(EVALUATION_CATEGORIES).meta({ id: "EvaluationCategory" });

export type ActivityStatus = z.infer<typeof activityStatusSchema>;
export type Severity = z.infer<typeof severitySchema>;
export type Outcome = z.infer<typeof outcomeSchema>;
export type EvaluationResult = z.infer<typeof evaluationResultSchema>;
export type EvaluationCategory = z.infer<typeof evaluationCategorySchema>;

export const techniqueWarningSchema = z
  .object({
    id: z.string().describe("The technique id, e.g. T1064"),
    reason: z
      .enum(["revoked", "deprecated", "unknown"])
      .describe("unknown: an id ATT&CK does not know, saved before technique ids were checked"),
  })
  .meta({ id: "TechniqueWarning" });

const expectationsSchema = z
  .object({
    logged: z.boolean(),
    prevented: z.boolean(),
    alerted: z.boolean(),
    notified: z.boolean().describe("A stakeholder is expected to be notified"),
    expectedSeverity: severitySchema.nullable(),
  })
  .meta({ id: "ActivityExpectations" });

const overrideSchema = z
  .object({
    category: evaluationCategorySchema,
    computed: evaluationResultSchema,
    result: evaluationResultSchema,
    reason: z.string(),
    byId: z.uuid().nullable(),
    at: z.iso.datetime(),
  })
  .meta({ id: "EvaluationOverride" });

export const activitySchema = z
  .object({
    id: z.uuid(),
    organizationId: z.uuid(),
    assessmentId: z.uuid(),
    groupId: z.uuid().nullable(),
    position: z.number().int().describe("Sort key within the assessment (gaps are normal)"),
    title: z.string(),
    description: z.string(),
    tactic: z.string().nullable().describe("ATT&CK tactic shortname, e.g. credential-access"),
    techniques: z.array(z.string()).describe("ATT&CK technique ids, e.g. T1003.001"),
    techniqueWarnings: z
      .array(techniqueWarningSchema)
      .describe(
        "Techniques of this activity that the loaded ATT&CK data has revoked or deprecated (accepted, but worth replacing); empty when all are current",
      ),
    knowledgeBaseArticleIds: z.array(z.uuid()),
    status: activityStatusSchema,
    tags: z.array(tagRefSchema),
    assets: z.array(assetRefSchema).describe("Target assets"),
    red: z.object({
      command: z.string().nullable(),
      executedAt: z.iso.datetime().nullable(),
      executedBy: z.string().nullable().describe("A user id or free text"),
      executedByUserId: z.uuid().nullable().describe("Set when executedBy is a member of the organization"),
      source: z.string().nullable(),
      target: z.string().nullable(),
      expectations: expectationsSchema,
    }),
    blue: z.object({
      outcome: outcomeSchema.nullable(),
      detectedAt: z.iso.datetime().nullable(),
      detectionSource: z.string().nullable(),
      alertSeverity: severitySchema.nullable(),
      notifiedAt: z.iso.datetime().nullable(),
      notes: z.string(),
      outcomeSetByHand: z
        .boolean()
        .describe("False: outcome is derived from controlOutcomes (best wins); true: a person set it"),
      controlOutcomes: z.array(controlOutcomeSchema).describe("What each defensive control did"),
    }),
    evaluation: z.object({
      results: z.object({
        prevention: evaluationResultSchema.nullable(),
        detection: evaluationResultSchema.nullable().describe("Detection / alerting"),
        logging: evaluationResultSchema.nullable(),
        notification: evaluationResultSchema.nullable(),
        severity: evaluationResultSchema.nullable(),
      }),
      overrides: z.array(overrideSchema),
      evaluatedAt: z.iso.datetime().nullable(),
      evaluatedById: z.uuid().nullable(),
    }),
    createdById: z.uuid().nullable(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: "Activity" });

export type Activity = z.infer<typeof activitySchema>;
export const activityPageSchema = pageOf(activitySchema, "ActivityPage");

export const techniqueIdSchema = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^T\d{4}(\.\d{3})?$/, { error: "must be an ATT&CK technique id like T1003 or T1003.001" });
const tacticSchema = z
  .string()
  .trim()
  .toLowerCase()
  .max(64)
  .regex(/^[a-z]+(-[a-z]+)*$/, { error: "must be an ATT&CK tactic shortname like credential-access" });
const titleSchema = z.string().trim().min(1).max(300);
const descriptionSchema = z.string().trim().max(50_000);
const techniquesSchema = z
  .array(techniqueIdSchema)
  .max(50)
  .transform((ids) => [...new Set(ids)]);
const idList = (what: string) =>
  z
    .array(z.uuid())
    .max(100)
    .transform((ids) => [...new Set(ids)])
    .describe(what);
const shortText = z.string().trim().max(2000);

const expectationsInput = z.object({
  logged: z.boolean().optional(),
  prevented: z.boolean().optional(),
  alerted: z.boolean().optional(),
  notified: z.boolean().optional(),
  expectedSeverity: severitySchema.nullable().optional(),
});

export const createActivityInput = z.object({
  assessmentId: z.uuid(),
  groupId: z.uuid().nullable().optional(),
  title: titleSchema,
  description: descriptionSchema.default(""),
  tactic: tacticSchema
    .nullable()
    .optional()
    .describe(
      "A tactic of one of the techniques; omitted or null with techniques: the first tactic (matrix order) of the first technique",
    ),
  techniques: techniquesSchema
    .default([])
    .describe("Technique ids the loaded ATT&CK data knows (revoked and deprecated: accepted, flagged)"),
  tagIds: idList("Tags of the organization").default([]),
  assetIds: idList("Target assets of the organization").default([]),
  knowledgeBaseArticleIds: idList("Knowledge-base article ids").default([]),
  expectations: expectationsInput.optional().describe("What red expects; editable later with updateRed"),
});

export const updateActivityInput = z.object({
  id: z.uuid(),
  title: titleSchema.optional(),
  description: descriptionSchema.optional(),
  groupId: z.uuid().nullable().optional(),
  tactic: tacticSchema.nullable().optional(),
  techniques: techniquesSchema.optional(),
  tagIds: idList("Replaces the tags").optional(),
  assetIds: idList("Replaces the target assets").optional(),
  knowledgeBaseArticleIds: idList("Replaces the knowledge-base links").optional(),
});

export const updateRedInput = z.object({
  id: z.uuid(),
  command: z.string().max(100_000).nullable().optional(),
  executedAt: dateTimeInput.nullable().optional(),
  executedBy: z.string().trim().min(1).max(200).nullable().optional().describe("A member's user id, or free text"),
  source: shortText.nullable().optional(),
  target: shortText.nullable().optional(),
  expectations: expectationsInput.optional(),
});

export const updateBlueInput = z.object({
  id: z.uuid(),
  outcome: outcomeSchema.nullable().optional(),
  detectedAt: dateTimeInput.nullable().optional(),
  detectionSource: shortText.nullable().optional(),
  alertSeverity: severitySchema.nullable().optional(),
  notifiedAt: dateTimeInput.nullable().optional(),
  notes: z.string().trim().max(50_000).optional(),
  controlOutcomes: z
    .array(
      z.object({
        controlId: z.uuid(),
        outcome: outcomeSchema,
        detectedAt: dateTimeInput.nullable().optional(),
        alertSeverity: severitySchema.nullable().optional(),
        ruleName: shortText.nullable().optional(),
        notes: z.string().trim().max(50_000).optional(),
      }),
    )
    .max(100)
    .refine((list) => new Set(list.map((o) => o.controlId)).size === list.length, {
      error: "one entry per control",
    })
    .optional()
    .describe(
      "Replaces the outcomes per control; unless outcome is also sent, the activity's outcome follows the best of them",
    ),
});

export const transitionInput = z.object({ id: z.uuid(), to: activityStatusSchema });

export const evaluateInput = z.object({
  id: z.uuid(),
  overrides: z
    .array(
      z.object({
        category: evaluationCategorySchema,
        result: evaluationResultSchema,
        reason: z.string().trim().min(1, { error: "a reason is required to override a result" }).max(2000),
      }),
    )
    .max(EVALUATION_CATEGORIES.length)
    .refine((list) => new Set(list.map((o) => o.category)).size === list.length, {
      error: "one override per category",
    })
    .default([]),
});

export const moveActivityInput = z.object({
  id: z.uuid(),
  beforeId: z.uuid().optional().describe("Place just before this activity"),
  afterId: z.uuid().optional().describe("Place just after this activity (neither: at the end)"),
  groupId: z.uuid().nullable().optional().describe("Also move into this group (null: out of any group)"),
});

export const activityIdInput = z.object({ id: z.uuid() });

export const listActivitiesInput = pageInput.extend({
  assessmentId: z.uuid(),
  groupId: z.uuid().optional(),
  status: activityStatusSchema.optional(),
  tactic: tacticSchema.optional(),
  technique: techniqueIdSchema.optional().describe("Activities listing this technique id"),
  tagId: z.uuid().optional(),
  q: z.string().trim().max(200).optional().describe("Case-insensitive search in title and description"),
});

export const historyEntrySchema = z
  .object({
    id: z.uuid(),
    activityId: z.uuid(),
    actorId: z.uuid().nullable(),
    field: z
      .string()
      .describe(
        "The API path of the field, e.g. title, status, red.command, red.expectations.alerted, blue.outcome, evaluation.detection",
      ),
    oldValue: z.unknown(),
    newValue: z.unknown(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: "ActivityHistoryEntry" });

export const historyPageSchema = pageOf(historyEntrySchema, "ActivityHistoryPage");
export const historyInput = pageInput.extend({ id: z.uuid() });

export type CreateActivityInput = z.infer<typeof createActivityInput>;
export type UpdateActivityInput = z.infer<typeof updateActivityInput>;
export type UpdateRedInput = z.infer<typeof updateRedInput>;
export type UpdateBlueInput = z.infer<typeof updateBlueInput>;
export type EvaluateInput = z.infer<typeof evaluateInput>;
export type MoveActivityInput = z.infer<typeof moveActivityInput>;
export type ListActivitiesInput = z.infer<typeof listActivitiesInput>;
export type HistoryInput = z.infer<typeof historyInput>;
